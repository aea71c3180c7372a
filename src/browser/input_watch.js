// browserd browser room — input_watch.js
// Defined once per world as a page script, run just before an input is sent:
//   inputWatch() → true
// Notes when the page last saw the input (its click, key and input events, in the capture
// phase of the window, before the page's own listeners: a click's `click` comes after its
// `mousedown`), when its nodes last changed since, and how many frames it has rendered
// since (up to two), in globalThis.__browserdInput, for settle.js: the quiet period after
// an input counts from the moment the page handled it, not from the moment the driver
// heard back, and so do the frames its reaction may take to render.
() => {
  const previous = globalThis.__browserdInput;
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
    if (globalThis.__browserdInput === watch) globalThis.__browserdInput = null;
  };
  globalThis.__browserdInput = watch;
  return true;
}
