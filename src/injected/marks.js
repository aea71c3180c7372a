// browserd page side — marks.js (page script `marks`)
//   marks([{ id, x, y, width, height }]) → [id]   draws those in view, returns their ids
//   marks(null) → []                               removes them
// Set-of-marks for a vision model: each listed action's id drawn at its box, over the page,
// for the moment of a screenshot. The drawing lives in a closed shadow root of one element
// of ours at the end of the document (no style of the page reaches it, it takes no pointer
// events) and is removed right after; the page sees one element come and go.
(marks) => {
  const old = globalThis.__browserd.marks;
  if (old) { old.remove(); globalThis.__browserd.marks = null; }
  const shown = (marks || []).filter((m) => m.width > 0 && m.height > 0
    && m.x < innerWidth && m.y < innerHeight && m.x + m.width > 0 && m.y + m.height > 0);
  if (!shown.length) return [];
  const host = document.createElement('browserd-marks');
  host.style.cssText = 'all: initial; position: fixed; inset: 0; z-index: 2147483647; pointer-events: none;';
  const root = host.attachShadow({ mode: 'closed' });
  const colors = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080'];
  shown.forEach((mark, i) => {
    const color = colors[i % colors.length];
    const box = document.createElement('div');
    box.style.cssText = `position: fixed; left: ${mark.x}px; top: ${mark.y}px; width: ${mark.width}px; height: ${mark.height}px; outline: 2px solid ${color}; box-sizing: border-box;`;
    const label = document.createElement('div');
    label.textContent = mark.id;
    label.style.cssText = `position: absolute; left: -2px; top: ${mark.y >= 16 ? -16 : 0}px; background: ${color}; color: #fff; font: bold 11px/14px monospace; padding: 0 3px; white-space: nowrap;`;
    box.appendChild(label);
    root.appendChild(box);
  });
  (document.body || document.documentElement).appendChild(host);
  globalThis.__browserd.marks = host;
  return shown.map((mark) => mark.id);
}
