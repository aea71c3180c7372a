// browserd page side — page_api.js
// The one object browserd keeps in each of its isolated worlds, made before the first page
// script is defined there (every definition starts with this statement). Its whole shape:
//   __browserd.scripts   name → function: the page scripts defined in this world (PageScript)
//   __browserd.elements  Map handle → Element: what `collect` listed, in this or an earlier
//                        read, while it is in the document; for locate / choose /
//                        ariaValue / selectContent / fileInput
//   __browserd.ids       { of: WeakMap Element → handle, next }: an element's handle, the same
//                        in every read while the document lasts, never given to another
//   __browserd.doc       a token of this document's world: handles are this world's own
//   __browserd.frames    owner → <iframe>: frames `collect` could not read, for framePoint /
//                        frameElement
//   __browserd.input     the watch `inputWatch` set on the last input, for `settle`
//   __browserd.marks     the drawing `marks` shows over the page, until it removes it
// Besides it, one global: __browserdSend(text), a CDP binding of our worlds through which
// `settle` sends what its reader read ahead of its answer (Tab::settle_reading).
// The page's own scripts run in the main world and see none of this.
globalThis.__browserd ||= {
  scripts: {}, elements: new Map(), ids: { of: new WeakMap(), next: 1 },
  doc: Math.random().toString(36).slice(2) + Date.now().toString(36), frames: [], input: null, marks: null,
}
