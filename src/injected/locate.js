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
// 'covered' means that at the centre and at every point tried over the element's boxes
// elementFromPoint hits something that is neither the element, its own descendant (a
// control or item nested in it is not), its <label>, nor a shape of the SVG drawing it is
// part of; covered_by then names what covers the centre.
(handle) => {
  const reg = globalThis.__browserd;
  const el = reg && reg.elements ? reg.elements.get(handle) : null;
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
  // controls and items nested in an element: a click on them is theirs, not its
  const NESTED = 'a[href],button,input,select,textarea,[role=button],[role=link],[role=checkbox],[role=radio],'
    + '[role=switch],[role=option],[role=treeitem],[role=menuitem],[role=row],[role=tab],[role=group],[role=menu]';
  const svg = el.ownerSVGElement || null;
  // only a control or an item has others nested in it; a listbox's options are its own
  const itemLike = el.matches(NESTED);
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

  // Where a hit lands: 'own' on the element itself (or its label, or a shape of the SVG
  // drawing it belongs to), 'nested' on a control or item inside it (a child of an
  // expanded tree item, a button in an option: a click there is theirs), '' elsewhere.
  function landing(hit) {
    let nested = false;
    for (let a = hit; a; a = a.parentElement || (a.parentNode && a.parentNode.host) || null) {
      if (a === el || a === target) return nested ? 'nested' : 'own';
      if (labels.includes(a)) return 'own';
      if (itemLike && a.matches && a.matches(NESTED)) nested = true;
    }
    // a drawing's own shapes over its thumb (a value text, the rail) are part of it
    if (svg && !nested && (hit === svg || svg.contains(hit))) return 'own';
    return '';
  }
  function isOk(hit) { return landing(hit) === 'own'; }

  // A point of the target's visible boxes where a click lands on it, or null.
  function freePoint(l, t, rr, b) {
    const boxes = [];
    for (const q of target.getClientRects()) {
      const ql = Math.max(q.left, l), qt = Math.max(q.top, t), qr = Math.min(q.right, rr), qb = Math.min(q.bottom, b);
      if (qr - ql >= 1 && qb - qt >= 1) boxes.push([ql, qt, qr, qb]);
    }
    if (!boxes.length) boxes.push([l, t, rr, b]);
    const cx = (l + rr) / 2, cy = (t + b) / 2;
    const pts = [];
    const F = [0.5, 0.25, 0.75, 0.1, 0.9];
    for (const [ql, qt, qr, qb] of boxes.slice(0, 4)) {
      for (const fy of F) for (const fx of F) pts.push([ql + (qr - ql) * fx, qt + (qb - qt) * fy]);
    }
    pts.sort((p, q) => Math.hypot(p[0] - cx, p[1] - cy) - Math.hypot(q[0] - cx, q[1] - cy));
    for (const [px, py] of pts) {
      const h = hitAt(target.ownerDocument, px, py);
      if (h && isOk(h)) return [px, py];
    }
    return null;
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
      // the centre is covered (a caption over a picture link) or is a nested control's:
      // a person clicks where the element shows, so look for a free point on each of its
      // boxes (a link wraps over lines), nearest the centre first
      const free = freePoint(l, t, rr, b);
      if (!free) return { status: 'covered', x: cx, y: cy, covered_by: describe(hit) };
      cx = free[0]; cy = free[1];
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
