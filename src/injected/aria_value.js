// browserd page side — aria_value.js (page script `ariaValue`)
//   ariaValue(handle) → number | null
// The `aria-valuenow` of a listed element, as a number (null when it has none): what a
// keyboard user reads off a slider or spin button after each arrow key.
(handle) => {
  const el = globalThis.__browserd.elements.get(handle);
  const v = el ? parseFloat(el.getAttribute('aria-valuenow')) : NaN;
  return Number.isFinite(v) ? v : null;
}
