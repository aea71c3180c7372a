// browserd page side — file_input.js (page script `fileInput`)
//   fileInput(handle) → <input type=file> | null
// The file input `collect` listed under `handle`, as a remote object, for the driver to set
// its files as a person choosing them would (the page then sees `input` and `change`).
(handle) => {
  const el = globalThis.__browserd.elements.get(handle);
  return el && el.isConnected && el.localName === 'input' && el.type === 'file' ? el : null;
}
