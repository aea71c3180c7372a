// browserd browser room — settle.js
// The page-side half of Tab::settle_reading, defined once per world as a page script:
//   settle(quiet, max, read, networkStill) → Promise<{ busy, read }>
// Resolves once no node has been added, removed or retexted for `quiet` ms (attribute churn
// such as carousels does not count), or after `max` ms. `busy` says whether the page still
// shows that it is loading: a shown region marked aria-busy, a page whose whole text is a
// loading message, or a shown spinner, skeleton or loading placeholder on a page with
// little text yet (a page full of text with a stuck spinner somewhere is ready).
// After an input watched by input_watch.js, the first quiet period counts from when the page
// saw the input (or last changed since), so that the time the driver waited for the input's
// acknowledgement is part of it; but never from before the last request started or ended
// (`networkStill`, ms); the frames it waits for count from the input too. The watch ends
// with that first period: a period after requests were seen starts from nothing, so a page
// that renders a while after its last response (a fetch, then a timer) is waited for.
// `read`, when not null, names another page script of the same world (`collect`): it is run
// once a frame after the wait begins, and again at its end only if the page changed since —
// a node, an attribute or a scroll position, in the document or in the roots that script
// lists in globalThis.__browserd.roots — so that reading a page that stays still costs no
// time beyond the quiet period. Its value comes back as `read`.
(quiet, max, read, networkStill) => new Promise((resolve) => {
  const reader = read ? globalThis.__browserdScripts[read] : null;
  let timer = 0;
  let value = null;
  let fresh = false;
  const watched = { subtree: true, childList: true, characterData: true, attributes: !!reader };
  // A page renders its reaction in its next frames: the wait ends no sooner than the second
  // frame rendered after the input it follows, or after it began when it follows none (or
  // 100 ms, on a page that renders none), whatever the clock says.
  const input = globalThis.__browserdInput;
  if (input) input.stop();
  const afterInput = input && input.at !== null ? input : null;
  let frames = 0;
  const rendered = () => frames >= 2 || (afterInput !== null && afterInput.frames >= 2);
  let quietOver = false;
  const quietEnds = () => { quietOver = true; if (rendered()) done(); };
  // A frame counts once it is rendered: after every animation callback of it.
  const tick = () => setTimeout(() => {
    frames += 1;
    if (!rendered()) requestAnimationFrame(tick);
    else if (quietOver) done();
  }, 0);
  requestAnimationFrame(tick);
  const noFrames = setTimeout(() => { frames = 2; if (quietOver) done(); }, 100);
  const observer = new MutationObserver((records) => {
    fresh = false;
    if (records.some((r) => r.type !== 'attributes')) {
      quietOver = false;
      clearTimeout(timer);
      timer = setTimeout(quietEnds, quiet);
    }
  });
  const stale = () => { fresh = false; };
  const readNow = () => {
    // A reader that throws reads nothing: the caller reads again itself and sees why.
    try { value = reader(); } catch (e) { value = null; }
    fresh = true;
    const roots = globalThis.__browserd && globalThis.__browserd.roots;
    if (roots) for (const root of roots) { try { observer.observe(root, watched); } catch (e) { /* gone */ } }
  };
  const shown = (e) => (e.checkVisibility ? e.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : true);
  // The body's text, scripts and styles aside, up to `enough` characters. It walks the text
  // nodes and stops there, rather than asking for innerText, which lays the whole page out
  // and cost tens of milliseconds on long pages.
  const someText = (enough) => {
    if (!document.body) return '';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let text = '';
    for (let node = walker.nextNode(); node && text.length < enough; node = walker.nextNode()) {
      const parent = node.parentNode && node.parentNode.localName;
      if (parent === 'script' || parent === 'style' || parent === 'noscript' || parent === 'template') continue;
      const words = node.data.trim();
      if (words) text += (text ? ' ' : '') + words;
    }
    return text;
  };
  // A page whose whole text is a loading message (an app's shell before it renders).
  const LOADING = /^(loading|please wait|wird geladen|chargement|cargando|caricamento)\b/i;
  const busy = () => {
    for (const e of document.querySelectorAll('[aria-busy=true]')) if (shown(e)) return true;
    const text = someText(1500);
    if (text.length < 40 && LOADING.test(text)) return true;
    for (const e of document.querySelectorAll('[class*=spinner i], [class*=skeleton i], [class*=loading i], [id*=loading i], [role=progressbar]:not([aria-valuenow])')) {
      if (shown(e)) return text.length < 1500;
    }
    return false;
  };
  let finished = false;
  function done() {
    if (finished) return;
    finished = true;
    observer.disconnect();
    clearTimeout(timer);
    clearTimeout(cap);
    clearTimeout(noFrames);
    removeEventListener('scroll', stale, true);
    const loading = busy();
    if (reader && !loading && !fresh) readNow();
    resolve({ busy: loading, read: loading ? null : value });
  }
  observer.observe(document, watched);
  if (reader) {
    addEventListener('scroll', stale, { capture: true, passive: true });
    requestAnimationFrame(() => setTimeout(() => { if (!fresh) readNow(); }, 0));
  }
  const still = afterInput === null ? 0
    : Math.min(performance.now() - Math.max(afterInput.at, afterInput.changed || 0), networkStill);
  timer = setTimeout(quietEnds, Math.max(0, quiet - still));
  const cap = setTimeout(done, max);
})
