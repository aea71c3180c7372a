// browserd page side — locate.js (page script `locate`)
// A function declaration for CDP Runtime.callFunctionOn, in the same isolated world that
// ran collect.js:
//   Runtime.callFunctionOn({ functionDeclaration: LOCATE_JS, executionContextId,
//                            arguments: [{ value: handle }], returnByValue: true })
// It brings the element to the centre of the view (scrollIntoView, block: 'center') when it is
// not wholly in the top viewport or is covered where it is, and returns
//   { status: 'ok' | 'gone' | 'hidden' | 'disabled' | 'covered', x, y, covered_by }
// where x, y is the centre of the element's visible part in TOP-viewport CSS pixels (iframe
// offsets added). A control hidden behind its styled <label> is located by that label.
// 'covered' means elementFromPoint at (x, y) hits something that is neither the element,
// its descendant nor its <label>; covered_by then names the covering element.
(handle) => {
  const reg = globalThis.__browserd;
  const el = reg && reg.elements ? reg.elements[handle] : null;
  if (!el || !el.isConnected) return { status: 'gone' };
  const describe = (e) => {
    if (!e || !e.localName) return '';
    let s = e.localName;
    if (e.id) s += '#' + e.id;
    const c = typeof e.className === 'string' ? e.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    if (c) s += '.' + c;
    const t = (e.getAttribute('aria-label') || e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return t ? s + ' "' + t + '"' : s;
  };
  let disabled = false;
  try { disabled = el.matches(':disabled'); } catch (e) { disabled = false; }
  if (disabled || el.getAttribute('aria-disabled') === 'true') return { status: 'disabled' };
  for (let a = el; a; a = a.parentElement || (a.parentNode && a.parentNode.host) || null) {
    if (a.inert || a.getAttribute('aria-hidden') === 'true') return { status: 'hidden' };
  }
  const shown = (e) => {
    // transparent elements still take clicks (overlay links, styled native inputs)
    if (e.checkVisibility && !e.checkVisibility({ visibilityProperty: true })) return false;
    const r = e.getBoundingClientRect();
    return r.width > 2 && r.height > 2;
  };
  let target = el;
  const labels = [];
  try {
    if (el.labels) for (const l of el.labels) labels.push(l);
  } catch (e) { /* not labelable */ }
  if (!shown(el)) {
    target = labels.find(shown) || null;
    if (!target) return { status: 'hidden' };
  }
  const win = target.ownerDocument.defaultView;
  // A person clicks what is in view where it is: the page scrolls only for an element not
  // wholly in the viewport (of the top document; one in a frame is always brought to the
  // centre), or for one covered where it is (a fixed bar over it).
  let scrolled = false;
  const scroll = () => {
    target.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    scrolled = true;
  };
  const box = target.getBoundingClientRect();
  const inView = win === win.top && box.top >= 0 && box.left >= 0
    && box.bottom <= win.innerHeight && box.right <= win.innerWidth;
  if (!inView) scroll();
  let found = aim();
  if (found.status === 'covered' && !scrolled) {
    scroll();
    found = aim();
  }
  return found;

  // The element a click at (x, y) of `doc` reaches, inside open shadow roots too.
  function hitAt(doc, x, y) {
    let hit = doc.elementFromPoint(x, y);
    while (hit && hit.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(x, y);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    return hit;
  }

  // Whether a hit lands on the element (or its label).
  function isOk(hit) {
    for (let a = hit; a; a = a.parentElement || (a.parentNode && a.parentNode.host) || null) {
      if (a === el || a === target) return true;
      if (labels.includes(a)) return true;
    }
    return false;
  }

  function aim() {
    const r = target.getBoundingClientRect();
    // visible part inside its own window
    const l = Math.max(r.left, 0), t = Math.max(r.top, 0);
    const rr = Math.min(r.right, win.innerWidth), b = Math.min(r.bottom, win.innerHeight);
    if (rr - l < 1 || b - t < 1) return { status: 'hidden' };
    let cx = (l + rr) / 2, cy = (t + b) / 2;
    const hit = hitAt(target.ownerDocument, cx, cy);
    if (hit && !isOk(hit)) {
      // maybe the centre is covered but another point of the element is free: try a few
      const pts = [[0.25, 0.5], [0.75, 0.5], [0.5, 0.25], [0.5, 0.75]];
      let freed = false;
      for (const [fx, fy] of pts) {
        const px = l + (rr - l) * fx, py = t + (b - t) * fy;
        const h2 = hitAt(target.ownerDocument, px, py);
        if (h2 && isOk(h2)) { cx = px; cy = py; freed = true; break; }
      }
      if (!freed) return { status: 'covered', x: cx, y: cy, covered_by: describe(hit) };
    }
    // add iframe offsets up to the top window, checking each frame element is not covered there
    let x = cx, y = cy;
    let w = win;
    for (let depth = 0; depth < 20; depth++) {
      let fe = null;
      try { fe = w.frameElement; } catch (e) { fe = null; }
      if (!fe) break;
      const fr = fe.getBoundingClientRect();
      const cs = fe.ownerDocument.defaultView.getComputedStyle(fe);
      x += fr.left + fe.clientLeft + (parseFloat(cs.paddingLeft) || 0);
      y += fr.top + fe.clientTop + (parseFloat(cs.paddingTop) || 0);
      const fh = hitAt(fe.ownerDocument, x, y);
      if (fh && fh !== fe) return { status: 'covered', x, y, covered_by: describe(fh) };
      w = fe.ownerDocument.defaultView;
    }
    return { status: 'ok', x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
  }
}
