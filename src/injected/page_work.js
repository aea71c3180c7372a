// browserd page side — page_work.js (the main world's one script; not a page script of ours)
//   pageWork(channel) → undefined
// Installed in the page's own world before any of its scripts run
// (Page.addScriptToEvaluateOnNewDocument), since only there can the page's timers be seen:
// counts the work the page has scheduled that may still change it — timeouts and the first
// tick of intervals with a delay within the settle bound, animation frames and idle
// callbacks — and answers settle.js (in our isolated world) through two DOM events on the
// document, which cross worlds: `channel` asks, `channel + ':'` answers with a
// CustomEvent whose detail is { due, frames, idle, changed } (the earliest due time of a
// pending timer, on performance.now()'s clock, which both worlds share, or null; pending
// frames and idle callbacks; when a node was last added, removed or retexted since the
// document was parsed, or null before that). Callbacks scheduled by callbacks form chains:
// past MAX_DEPTH links (a poll, an animation loop) they are no longer counted, so a page
// never keeps itself busy.
// The wrappers are proxies of the natives (same name, length and source text), the state
// is in this closure: a page script can at worst make its page look busy for the bound, or
// idle, never break the settle. `channel` is a random name per tab.
(channel) => {
  const LIMIT = 3000;
  const MAX_DEPTH = 3;
  const timers = new Map();
  const frames = new Set();
  const idles = new Set();
  let depth = 0;
  const apply = Reflect.apply;
  const now = performance.now.bind(performance);
  const doc = document;
  const dispatch = EventTarget.prototype.dispatchEvent;
  const Custom = CustomEvent;
  // Runs `fn` at the next link of the chain, forgetting `key` in `set` first.
  const link = (fn, level, done) => function (...args) {
    done();
    const outer = depth;
    depth = level;
    try { return apply(fn, this, args); } finally { depth = outer; }
  };
  const timer = (native) => new Proxy(native, {
    apply(target, self, args) {
      if (typeof args[0] !== 'function') return apply(target, self, args);
      const level = depth + 1;
      const delay = Math.max(0, Number(args[1]) || 0);
      const counted = level <= MAX_DEPTH && delay <= LIMIT;
      let id = 0;
      const wrapped = link(args[0], level, () => { if (counted) timers.delete(id); });
      id = apply(target, self, [wrapped, ...args.slice(1)]);
      if (counted) timers.set(id, now() + delay);
      return id;
    },
  });
  const clear = (native, set) => new Proxy(native, {
    apply(target, self, args) { set.delete(args[0]); return apply(target, self, args); },
  });
  const callback = (native, set) => new Proxy(native, {
    apply(target, self, args) {
      if (typeof args[0] !== 'function') return apply(target, self, args);
      const level = depth + 1;
      const counted = level <= MAX_DEPTH;
      let id = 0;
      const wrapped = link(args[0], level, () => { if (counted) set.delete(id); });
      id = apply(target, self, [wrapped, ...args.slice(1)]);
      if (counted) set.add(id);
      return id;
    },
  });
  const w = globalThis;
  try {
    w.setTimeout = timer(w.setTimeout);
    w.setInterval = timer(w.setInterval);
    w.clearTimeout = clear(w.clearTimeout, timers);
    w.clearInterval = clear(w.clearInterval, timers);
    w.requestAnimationFrame = callback(w.requestAnimationFrame, frames);
    w.cancelAnimationFrame = clear(w.cancelAnimationFrame, frames);
    if (w.requestIdleCallback) {
      w.requestIdleCallback = callback(w.requestIdleCallback, idles);
      w.cancelIdleCallback = clear(w.cancelIdleCallback, idles);
    }
  } catch (e) { return; }
  // The parser's own insertions are not watched (they would cost a record per batch on
  // every page): the count starts when the document is parsed.
  let changed = null;
  const Observer = MutationObserver;
  doc.addEventListener('DOMContentLoaded', () => {
    changed = now();
    try {
      new Observer(() => { changed = now(); })
        .observe(doc, { subtree: true, childList: true, characterData: true });
    } catch (e) { changed = null; }
  }, { once: true });
  doc.addEventListener(channel, () => {
    let due = null;
    for (const at of timers.values()) if (due === null || at < due) due = at;
    apply(dispatch, doc, [new Custom(channel + ':', { detail: { due, frames: frames.size, idle: idles.size, changed } })]);
  });
}
