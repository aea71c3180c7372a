// browserd page side — page_api.js
// The one object browserd keeps in each of its isolated worlds, made before the first page
// script is defined there (every definition starts with this statement). Its whole shape:
//   __browserd.scripts   name → function: the page scripts defined in this world (PageScript)
//   __browserd.elements  handle → Element: what `collect` listed, for locate / choose /
//                        ariaValue / selectContent / fileInput
//   __browserd.frames    owner → <iframe>: frames `collect` could not read, for framePoint /
//                        frameElement
//   __browserd.input     the watch `inputWatch` set on the last input, for `settle`
//   __browserd.marks     the drawing `marks` shows over the page, until it removes it
// Besides it, one global: __browserdSend(text), a CDP binding of our worlds through which
// `settle` sends what its reader read ahead of its answer (Tab::settle_reading).
// The page's own scripts run in the main world and see none of this.
globalThis.__browserd ||= { scripts: {}, elements: [], frames: [], input: null, marks: null }
