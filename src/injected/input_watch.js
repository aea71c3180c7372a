// browserd page side — input_watch.js (page script `inputWatch`)
// Run just before an input is sent:
//   inputWatch() → true
// Notes when the page last saw the input (its click, key and input events, in the capture
// phase of the window, before the page's own listeners: a click's `click` comes after its
// `mousedown`), when its nodes last changed since, and how many frames it has rendered
// since (up to two), in __browserd.input, for settle.js: the quiet period after
// an input counts from the moment the page handled it, not from the moment the driver
// heard back, and so do the frames its reaction may take to render.
() => {
  const previous = globalThis.__browserd.input;
  if (previous) previous.stop();
  const watch = { at: null, changed: null, frames: 0, stop: null };
  const EVENTS = ['mousedown', 'mouseup', 'click', 'keydown', 'keyup', 'input', 'change'];
  let inputs = 0;
  const seen = () => {
    watch.at = performance.now();
    watch.frames = 0;
    const input = ++inputs;
    // A frame counts once it is rendered: after every animation callback of it, the page's
    // own included (ours, registered in the capture phase, runs before the page's).
    const tick = () => setTimeout(() => {
      if (input !== inputs) return;
      watch.frames += 1;
      if (watch.frames < 2) requestAnimationFrame(tick);
    }, 0);
    requestAnimationFrame(tick);
  };
  const observer = new MutationObserver(() => { if (watch.at !== null) watch.changed = performance.now(); });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
  for (const type of EVENTS) addEventListener(type, seen, { capture: true, passive: true });
  const timeout = setTimeout(() => watch.stop(), 60000);
  watch.stop = () => {
    observer.disconnect();
    clearTimeout(timeout);
    for (const type of EVENTS) removeEventListener(type, seen, { capture: true });
    if (globalThis.__browserd.input === watch) globalThis.__browserd.input = null;
  };
  globalThis.__browserd.input = watch;
  return true;
}
