// browserd browser room — input_watch.js
// Defined once per world as a page script, run just before an input is sent:
//   inputWatch() → true
// Notes when the page last saw the input (its click, key and input events, in the capture
// phase of the window, before the page's own listeners: a click's `click` comes after its
// `mousedown`) and when its nodes last changed since, in globalThis.__browserdInput, for
// settle.js: the quiet period after an input counts from the moment the page handled it,
// not from the moment the driver heard back.
() => {
  const previous = globalThis.__browserdInput;
  if (previous) previous.stop();
  const watch = { at: null, changed: null, stop: null };
  const EVENTS = ['mousedown', 'mouseup', 'click', 'keydown', 'keyup', 'input', 'change'];
  const seen = () => { watch.at = performance.now(); };
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
