// browserd page side — frame_element.js (page script `frameElement`)
//   frameElement(owner) → <iframe> | undefined
// The <iframe> that `collect` could not read, by its `owner` index, as a remote object: the
// driver asks the browser which frame it holds, and reads that frame in a world of its own.
(owner) => globalThis.__browserd.frames[owner]
