// browserd page side — frame_point.js (page script `framePoint`)
// A function declaration for CDP Runtime.callFunctionOn in the world that found an
// <iframe> it cannot read (collect keeps it in __browserd.frames[owner]).
// Given a point (x, y) in that frame's viewport, it returns the same point in the
// viewport of this world's top document:
//   { status: 'ok' | 'gone' | 'covered', x, y, covered_by }
// adding the offsets of the iframe and of the frames this world reads around it, and
// scrolling each document just enough that the point is inside its viewport. 'covered'
// means elementFromPoint there hits something other than the iframe, named by covered_by.
(owner, x, y) => {
  const reg = globalThis.__browserd;
  let fe = reg && reg.frames ? reg.frames[owner] : null;
  if (!fe || !fe.isConnected) return { status: 'gone' };
  const describe = (e) => {
    if (!e || !e.localName) return '';
    let s = e.localName;
    if (e.id) s += '#' + e.id;
    const c = typeof e.className === 'string' ? e.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    if (c) s += '.' + c;
    const t = (e.getAttribute('aria-label') || e.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return t ? s + ' "' + t + '"' : s;
  };
  const origin = (f) => {
    const r = f.getBoundingClientRect();
    const cs = f.ownerDocument.defaultView.getComputedStyle(f);
    return {
      x: r.left + f.clientLeft + (parseFloat(cs.paddingLeft) || 0),
      y: r.top + f.clientTop + (parseFloat(cs.paddingTop) || 0),
    };
  };
  for (let depth = 0; fe && depth < 20; depth++) {
    const win = fe.ownerDocument.defaultView;
    let o = origin(fe);
    let px = x + o.x, py = y + o.y;
    if (px < 0 || py < 0 || px >= win.innerWidth || py >= win.innerHeight) {
      win.scrollBy({
        left: px < 0 || px >= win.innerWidth ? px - win.innerWidth / 2 : 0,
        top: py < 0 || py >= win.innerHeight ? py - win.innerHeight / 2 : 0,
        behavior: 'instant',
      });
      o = origin(fe);
      px = x + o.x; py = y + o.y;
    }
    let hit = fe.ownerDocument.elementFromPoint(px, py);
    while (hit && hit.shadowRoot) {
      const inner = hit.shadowRoot.elementFromPoint(px, py);
      if (!inner || inner === hit) break;
      hit = inner;
    }
    if (hit !== fe) return { status: 'covered', x: px, y: py, covered_by: hit ? describe(hit) : 'the edge of the window' };
    x = px; y = py;
    try { fe = win.frameElement; } catch (e) { fe = null; }
  }
  return { status: 'ok', x: Math.round(x * 100) / 100, y: Math.round(y * 100) / 100 };
}
