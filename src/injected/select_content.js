// browserd page side — select_content.js (page script `selectContent`)
//   selectContent(handle) → boolean
// Selects the current content of a listed editable element, so that typing replaces it;
// false when the element is gone.
(handle) => {
  const el = globalThis.__browserd.elements.get(handle);
  if (!el) return false;
  if (typeof el.select === 'function') { el.select(); return true; }
  const range = el.ownerDocument.createRange();
  range.selectNodeContents(el);
  const selection = el.ownerDocument.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}
