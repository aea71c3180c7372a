// browserd page side — page_info.js (page script `pageInfo`)
//   pageInfo() → { url, title }
// What a person sees of the page in the address bar and the tab strip.
() => ({ url: location.href, title: document.title || '' })
