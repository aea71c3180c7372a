// browserd page side — ready_state.js (page script `readyState`)
//   readyState() → 'loading' | 'interactive' | 'complete'
// How far the document has loaded, for a page that was opened rather than navigated to.
() => document.readyState
