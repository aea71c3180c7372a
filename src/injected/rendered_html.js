// browserd page side — rendered_html.js (page script `renderedHtml`)
//   renderedHtml() → string
// The rendered DOM as HTML, with
// every element that the page's styles hide marked `data-browserd-hidden` (the HTML alone
// cannot tell a stylesheet's `display: none`), so that extraction leaves it out. The marks
// are removed again before the function returns.
() => {
  const marked = [];
  const visit = (el) => {
    for (const child of el.children) {
      const name = child.localName;
      if (name === 'head' || name === 'script' || name === 'style' || name === 'template') continue;
      const style = getComputedStyle(child);
      if (style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse') {
        child.setAttribute('data-browserd-hidden', '');
        marked.push(child);
        continue;
      }
      visit(child);
    }
  };
  const root = document.documentElement;
  if (!root) return '';
  visit(root);
  const html = root.outerHTML;
  for (const el of marked) el.removeAttribute('data-browserd-hidden');
  return html;
}
