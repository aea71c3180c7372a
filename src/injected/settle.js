// browserd page side — settle.js (page script `settle`)
// The page-side half of Tab::settle_reading:
//   settle(quiet, max, read, networkStill, sendTo, work) → Promise<{ busy, read, sent }>
// Resolves once no node has been added, removed or retexted for `quiet` ms (attribute churn
// such as carousels does not count) and, when `work` names the channel of the page's own
// world (page_work.js), the page has no timer due within the bound and no animation frame
// or idle callback pending that it scheduled (chains past a few links aside); or after
// `max` ms. `busy` says whether the page still shows that it is loading: a shown region
// marked aria-busy, a page whose whole text is a loading message, after a load (`work`
// given) a loading message of its own ("Loading…", beside a heading, say) in the first
// screen, or a shown spinner, skeleton
// or loading placeholder on a page with little text yet (a page full of text with a stuck
// spinner or a "Loading comments…" far down is ready).
// After a load, the first quiet period counts from when the document last changed (the page's
// world watches it from the end of its parse), but never from before the last XHR or fetch
// started or ended (`networkStill`, ms: after a load the driver counts only those).
// After an input watched by input_watch.js, the first quiet period counts from when the page
// saw the input (or last changed since), so that the time the driver waited for the input's
// acknowledgement is part of it; but never from before the last request started or ended
// (`networkStill`, ms); the frames it waits for count from the input too. The driver may
// start this wait before the input has reached the page: the watch goes on until the wait
// ends, and an input it sees later restarts the count. The watch ends with that first
// period: a period after requests were seen starts from nothing, so a page that renders a
// while after its last response (a fetch, then a timer) is waited for.
// `read`, when not null, names another page script of the same world (`collect`): it is run
// once a frame after the wait began and the input arrived, and again at its end only if the
// page changed since — a node, an attribute or a scroll position, in the document or in the
// roots the reader hands to the `watch` function it is called with (the reader contract:
// reader(watch) → value) — so that reading a page that stays
// still costs no time beyond the quiet period. Its value comes back as `read`; or, when
// `sendTo` names a binding of the world and a token ([name, token]) and the value read
// during the wait is still the page's at its end, it was sent ahead through the binding as
// token + value while the page was watched, and `sent` is true instead: the answer to the
// wait no longer carries tens of kilobytes.
(quiet, max, read, networkStill, sendTo, work) => new Promise((resolve) => {
  const reader = read ? globalThis.__browserd.scripts[read] : null;
  let timer = 0;
  let value = null;
  let fresh = false;
  const watched = { subtree: true, childList: true, characterData: true, attributes: !!reader };
  const began = performance.now();
  const input = globalThis.__browserd.input || null;
  const seen = () => input !== null && input.at !== null;
  // When the page last saw the input or changed after it.
  const lastInput = () => Math.max(input.at, input.changed || 0);
  // A page renders its reaction in its next frames: the wait ends no sooner than the second
  // frame rendered after the input it follows, or after it began when it follows none (or
  // 100 ms, on a page that renders none), whatever the clock says. After a load whose page
  // world answers (`changed` below), the first frame is enough: that world says whether
  // the page asked for another.
  let frames = 0;
  let noFrames = false;
  const rendered = () => noFrames
    || (seen() ? input.frames >= 2 || (input.at <= began && frames >= 2) : frames >= loadFrames);
  // How long to wait before asking the page's world again about the work it scheduled:
  // until its next timer is due (if within the bound), a frame while it waits for frames
  // or idle time; null when it has none, or no answer came (the page's world is not
  // instrumented, or its scripts got in the way).
  // A page whose scheduled work keeps being renewed while nothing changes in it (an async
  // poll, `await sleep()` in a loop, where a promise breaks the chain page_work.js follows)
  // is treated as done after RENEWALS new timers or FRAME_POLLS frames spent waiting for
  // frames or idle time; a change of its nodes starts the count again.
  const RENEWALS = 5;
  const FRAME_POLLS = 10;
  let lastDue = null;
  let renewals = 0;
  let framePolls = 0;
  const ask = () => {
    if (!work) return null;
    let answer = null;
    const hear = (e) => { answer = e.detail; };
    document.addEventListener(work + ':', hear);
    try { document.dispatchEvent(new Event(work)); } catch (e) { /* no answer */ }
    document.removeEventListener(work + ':', hear);
    return answer && typeof answer === 'object' ? answer : null;
  };
  // After a load, the page's world says since when its document has been still: a page
  // that finished changing before its load has served that part of the period already.
  const changed = !seen() && ask()?.changed;
  const loadFrames = typeof changed === 'number' ? 1 : 2;
  const scheduled = () => {
    const answer = ask();
    if (!answer) return null;
    const at = performance.now();
    if (typeof answer.due === 'number' && answer.due < began + max) {
      if (lastDue !== null && answer.due !== lastDue) renewals += 1;
      lastDue = answer.due;
      return renewals > RENEWALS ? null : Math.max(1, answer.due - at + 1);
    }
    if (answer.frames > 0 || answer.idle > 0) {
      framePolls += 1;
      return framePolls > FRAME_POLLS ? null : 16;
    }
    return null;
  };
  let quietOver = false;
  let armedAt = began;
  const arm = (ms) => {
    quietOver = false;
    clearTimeout(timer);
    armedAt = performance.now();
    timer = setTimeout(quietEnds, ms);
  };
  // Called when the period is over, and at each frame after: an input that reached the page
  // after the period began restarts it from the input, even once it was over.
  function quietEnds() {
    if (seen() && lastInput() > armedAt) {
      arm(Math.max(0, quiet - (performance.now() - lastInput())));
      return;
    }
    const wait = scheduled();
    if (wait !== null) {
      arm(wait);
      return;
    }
    quietOver = true;
    if (rendered()) done();
  }
  // A frame counts once it is rendered: after every animation callback of it. The count
  // goes on until the wait ends, for an input that arrives late resets the watch's. The
  // page is read at the first frame rendered after both the input and the wait's start,
  // or at the second after the start when the input is not seen (it went to a frame).
  let readYet = !reader;
  const arrived = () => input === null || (seen() && (input.at <= began || input.frames >= 1));
  const tick = () => setTimeout(() => {
    if (finished) return;
    frames += 1;
    if (!readYet && (arrived() || frames >= 2)) {
      readYet = true;
      if (!fresh) readNow();
      busyWhenRead = busy();
      sendAhead();
    }
    if (quietOver) quietEnds();
    if (!finished) requestAnimationFrame(tick);
  }, 0);
  requestAnimationFrame(tick);
  const noFrameTimer = setTimeout(() => { noFrames = true; if (quietOver) quietEnds(); }, 100);
  const observer = new MutationObserver((records) => {
    fresh = false;
    if (records.some((r) => r.type !== 'attributes')) {
      renewals = 0;
      framePolls = 0;
      arm(quiet);
    }
  });
  const stale = () => { fresh = false; };
  let sent = false;
  // Whether the page showed itself busy when it was read during the wait: still so at the
  // end if the read is still fresh (a change of its nodes, attributes or scroll would have
  // made it stale).
  let busyWhenRead = true;
  const readNow = () => {
    // A reader that throws reads nothing: the caller reads again itself and sees why.
    const roots = [];
    try { value = reader((root) => roots.push(root)); } catch (e) { value = null; }
    fresh = true;
    sent = false;
    for (const root of roots) { try { observer.observe(root, watched); } catch (e) { /* gone */ } }
  };
  const sendAhead = () => {
    const send = sendTo && globalThis[sendTo[0]];
    if (typeof send !== 'function' || typeof value !== 'string') return;
    try { send(sendTo[1] + value); sent = true; } catch (e) { /* it comes with the answer */ }
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
  const LOADING = /^(loading|please wait|wird geladen|lädt|chargement|cargando|caricamento|carregando)\b/i;
  // A loading message of its own ("Loading…", "Loading results...") shown in the first
  // screen: the page says it is not done. Text nodes are walked in document order and the
  // walk stops at MESSAGE_WALK of them: what a person sees first is early in most pages.
  const MESSAGE_WALK = 4000;
  // "Loading…", "Loading results...", "Please wait": the word alone or a message trailing
  // off, not a heading that happens to start with it ("Loading docks").
  const MESSAGE_END = /(…|\.\.\.)$/;
  const LOADING_ALONE = /^(loading|please wait|wird geladen|lädt|chargement|cargando|caricamento|carregando)[\s.…!]*$/i;
  const loadingInView = () => {
    if (!document.body) return false;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let n = 0;
    for (let node = walker.nextNode(); node && n < MESSAGE_WALK; node = walker.nextNode(), n++) {
      const data = node.data;
      if (data.length > 60) continue;
      const words = data.trim();
      if (!LOADING.test(words) || !(MESSAGE_END.test(words) || LOADING_ALONE.test(words))) continue;
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, noscript, template') || !shown(parent)) continue;
      const box = parent.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && box.top < innerHeight && box.bottom > 0) return true;
    }
    return false;
  };
  const busy = () => {
    for (const e of document.querySelectorAll('[aria-busy=true]')) if (shown(e)) return true;
    const text = someText(1500);
    if (text.length < 40 && LOADING.test(text)) return true;
    // After a load only: an input that scrolls a page to a stuck "Loading comments…"
    // (an anchor's target) must not cost every step the bound.
    if (work && loadingInView()) return true;
    // A spinner only counts on a page with little text yet; the query for one scans every
    // element's class, and cost up to 2.6 ms on the bench pages, nearly all of which have
    // that much text.
    if (text.length >= 1500) return false;
    for (const e of document.querySelectorAll('[class*=spinner i], [class*=skeleton i], [class*=loading i], [id*=loading i], [role=progressbar]:not([aria-valuenow])')) {
      if (shown(e)) return true;
    }
    return false;
  };
  let finished = false;
  function done() {
    if (finished) return;
    finished = true;
    if (input) input.stop();
    observer.disconnect();
    clearTimeout(timer);
    clearTimeout(cap);
    clearTimeout(noFrameTimer);
    removeEventListener('scroll', stale, true);
    // A page found busy when read is asked again: a loading indicator may have gone by a
    // style alone.
    const loading = reader && fresh && !busyWhenRead ? false : busy();
    if (reader && !loading && !fresh) readNow();
    const ahead = !loading && fresh && sent;
    resolve({ busy: loading, read: loading || ahead ? null : value, sent: ahead });
  }
  observer.observe(document, watched);
  if (reader) addEventListener('scroll', stale, { capture: true, passive: true });
  const still = seen()
    ? Math.min(began - lastInput(), networkStill)
    : typeof changed === 'number' ? Math.max(0, Math.min(began - changed, networkStill)) : 0;
  arm(Math.max(0, quiet - still));
  const cap = setTimeout(done, max);
})
