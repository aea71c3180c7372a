// browserd page side — accname.js (part of `collect`, not a page script of its own)
//   accname() → { name(el, role?) → [name, source], description(el, usedTitle?), roleOf(el),
//                 secret(el), labelsOf(el) }
// The accessible name and description of an element as W3C Accessible Name and Description
// Computation 1.2 computes them, with HTML-AAM's native sources (label, alt, legend,
// caption, value, title, placeholder). `injected/mod.rs` binds this factory as
// `accnameFactory` around collect.js, which makes one for each read (its caches live one
// read), so that the names collect lists come from this one place.
//
// Departures, on purpose: an option, tree item, row or menu item is named from its own
// content only (the controls nested in it, a remove button inside an option or the child
// items of an expanded tree item, are listed on their own and keep their names out of
// its name); CSS generated content is read on the element named and in its labels and
// references only, and text-transform only on the text of descendants whose style is read
// anyway (for their display), not on the named element's own: style reads on every
// descendant of every link cost a large page milliseconds.
// The factory is made once per world (`sheetsRead`, below, outlives the reads), the names
// it makes once per read.
((sheetsRead) => () => {
  const MAX = 600;
  const WS = /[\s\u00a0\u200b]+/g;
  const WS_TEST = /[\t\n\r\f\u00a0\u200b]|\s\s/;
  const norm = (s) => { if (!s) return ''; s = String(s).trim(); return WS_TEST.test(s) ? s.replace(WS, ' ').trim() : s; };
  const attr = (el, a) => (el.getAttribute ? el.getAttribute(a) : null);
  const SECRET_AC = /^(cc-number|cc-csc|one-time-code|new-password|current-password)$/;
  const SECRET_NAME = /card.?num|cc.?num|cvc|cvv|csc|security.?code|iban|pin$/i;
  const FROM_CONTENT = new Set(['button', 'cell', 'checkbox', 'columnheader', 'gridcell', 'heading',
    'link', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'option', 'radio', 'row', 'rowheader',
    'sectionhead', 'switch', 'tab', 'tooltip', 'treeitem', 'caption', 'code', 'deletion', 'emphasis',
    'insertion', 'mark', 'strong', 'subscript', 'superscript', 'term', 'time', 'comment', 'legend']);
  // items of composite widgets: their nested controls and sub-lists are not their name
  const ITEMS = new Set(['option', 'treeitem', 'row', 'menuitem', 'menuitemcheckbox', 'menuitemradio']);
  const CONTROLS = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'textbox', 'searchbox',
    'combobox', 'listbox', 'slider', 'spinbutton', 'option', 'treeitem', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'tab', 'row', 'group', 'menu', 'menubar', 'tree', 'grid', 'treegrid', 'dialog']);
  const RANGES = new Set(['slider', 'spinbutton', 'scrollbar', 'progressbar', 'meter']);
  const INLINE = new Set(['inline', 'contents', 'ruby']);
  const XHTML = 'http://www.w3.org/1999/xhtml';
  // elements whose name is their text, when they carry no attribute
  const PLAIN = new Set(['span', 'b', 'i', 'em', 'strong', 'small', 'font', 'u', 'sub', 'sup', 'mark', 'abbr',
    'cite', 'q', 'code', 'div', 'p', 'bdi', 'kbd', 'var', 'samp', 'li', 'dt', 'dd', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  const FAST = new Set(['a', 'button', 'summary', 'span', 'div', 'li', 'td', 'th', 'tr', 'p', 'label',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
  const NO_TEXT = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'meta', 'link']);

  function secret(el) {
    if (el.localName !== 'input') return false;
    const t = (el.type || '').toLowerCase();
    return t === 'password' || SECRET_AC.test(attr(el, 'autocomplete') || '') || SECRET_NAME.test(attr(el, 'name') || '');
  }

  function explicitRole(el) {
    const r = attr(el, 'role');
    if (!r) return '';
    for (const t of r.trim().toLowerCase().split(/\s+/)) if (t) return t;
    return '';
  }

  function inGrid(el) {
    const t = el.closest('table');
    const r = t ? explicitRole(t) : '';
    return r === 'grid' || r === 'treegrid';
  }

  function nativeRole(el) {
    const tag = el.localName;
    switch (tag) {
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : '';
      case 'button': case 'summary': return 'button';
      case 'input': {
        const t = (attr(el, 'type') || '').toLowerCase();
        if (t === 'hidden') return '';
        if (t === 'button' || t === 'submit' || t === 'reset' || t === 'image') return 'button';
        if (t === 'checkbox' || t === 'radio') return t;
        if (t === 'range') return 'slider';
        if (t === 'number') return 'spinbutton';
        if (t === 'search') return el.hasAttribute('list') ? 'combobox' : 'searchbox';
        if (t === 'file') return 'button';
        return el.hasAttribute('list') ? 'combobox' : 'textbox';
      }
      case 'select': return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
      case 'textarea': return 'textbox';
      case 'option': return 'option';
      case 'img': return attr(el, 'alt') === '' && !el.hasAttribute('title') ? 'presentation' : 'img';
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'td': return inGrid(el) ? 'gridcell' : 'cell';
      case 'th': return 'columnheader';
      case 'tr': return 'row';
      case 'table': return 'table';
      case 'fieldset': return 'group';
      case 'figure': return 'figure';
      case 'ul': case 'ol': case 'menu': return 'list';
      case 'li': return 'listitem';
      case 'dialog': return 'dialog';
      case 'nav': return 'navigation';
      case 'output': return 'status';
      case 'meter': return 'meter';
      case 'progress': return 'progressbar';
      case 'caption': return 'caption';
      case 'legend': return 'legend';
      case 'code': return 'code';
      case 'em': return 'emphasis';
      case 'strong': return 'strong';
      case 'del': case 's': return 'deletion';
      case 'ins': return 'insertion';
      case 'mark': return 'mark';
      case 'sub': return 'subscript';
      case 'sup': return 'superscript';
      case 'time': return 'time';
      case 'dfn': return 'term';
      default: return '';
    }
  }

  function roleOf(el) {
    const r = explicitRole(el);
    if (r && r !== 'none' && r !== 'presentation') return r;
    // a focusable element or one with a global ARIA label keeps its native role
    if (r && !el.hasAttribute('tabindex') && !el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby')) return 'none';
    return nativeRole(el);
  }

  // 'hidden', 'invisible' (visibility: hidden: its own text is hidden, a visible child is
  // not), or ''
  function hiddenState(el, st) {
    if (attr(el, 'aria-hidden') === 'true') return 'hidden';
    if (el.localName === 'option' || el.localName === 'optgroup' || !el.checkVisibility) return '';
    // the element's computed style, when its parent read it already
    if (st) return st.display === 'none' ? 'hidden' : st.visibility === 'visible' ? '' : 'invisible';
    if (el.checkVisibility({ visibilityProperty: true })) return '';
    return el.checkVisibility() ? 'invisible' : 'hidden';
  }
  const isHidden = (el) => hiddenState(el) !== '';

  function byId(el, id) {
    const root = el.getRootNode ? el.getRootNode() : el.ownerDocument;
    return (root && root.getElementById ? root.getElementById(id) : null) || el.ownerDocument.getElementById(id);
  }

  function idRefs(el, name) {
    const v = attr(el, name);
    if (!v) return [];
    const out = [];
    for (const id of v.trim().split(/\s+/)) { const r = id && byId(el, id); if (r) out.push(r); }
    return out;
  }

  // control → its <label>s, built once per document or shadow root
  const labelMaps = new Map();
  function labelsOf(el) {
    const root = el.getRootNode ? el.getRootNode() : el.ownerDocument;
    let m = labelMaps.get(root);
    if (!m) {
      m = new Map();
      for (const l of root.querySelectorAll('label')) {
        const c = l.control;
        if (!c) continue;
        const arr = m.get(c);
        if (arr) arr.push(l); else m.set(c, [l]);
      }
      labelMaps.set(root, m);
    }
    return m.get(el) || [];
  }

  // Which elements may have generated text: the selectors of the rules that give ::before
  // or ::after a text (not an icon font's private-use glyph), read once per document and
  // again only when its style sheets or their rules are not as many as then (walking
  // every rule of a large page's sheets cost each read a millisecond); null when there
  // are none; true when a style sheet cannot be read (then every element may).
  const generatedBy = new Map();
  const PSEUDO = /::?(before|after)\b/i;
  const sheetsShape = (doc) => {
    let shape = doc.styleSheets.length;
    for (const sheet of doc.styleSheets) {
      let rules = -1; // a sheet of another origin, which cannot be read
      try { rules = sheet.cssRules.length; } catch (e) { /* stays unread */ }
      shape = (shape * 31 + rules) % 2147483647;
    }
    return shape;
  };
  function generatedSelector(doc) {
    if (generatedBy.has(doc)) return generatedBy.get(doc);
    const shape = sheetsShape(doc);
    const known = sheetsRead.get(doc);
    if (known && known.shape === shape) {
      generatedBy.set(doc, known.found);
      return known.found;
    }
    const parts = [];
    let unknown = false;
    const walk = (rules) => {
      for (const r of rules) {
        if (r.cssRules && !r.selectorText) { walk(r.cssRules); continue; }
        if (!r.selectorText || !PSEUDO.test(r.selectorText) || !r.style) continue;
        const c = r.style.getPropertyValue('content');
        if (!c || c === 'none' || c === 'normal' || !/attr\(|counter|["'][^"']*[^"'\ue000-\uf8ff\\\s][^"']*["']/.test(c)) continue;
        for (const sel of r.selectorText.split(',')) if (PSEUDO.test(sel)) parts.push(sel.replace(/::?(before|after)\b/gi, '').trim() || '*');
      }
    };
    try { for (const sheet of doc.styleSheets) walk(sheet.cssRules); } catch (e) { unknown = true; }
    let found = unknown ? true : (parts.length ? parts.join(',') : null);
    if (typeof found === 'string') { try { doc.documentElement.matches(found); } catch (e) { found = true; } }
    generatedBy.set(doc, found);
    sheetsRead.set(doc, { shape, found });
    return found;
  }

  function pseudo(el, which) {
    const sel = generatedSelector(el.ownerDocument);
    if (sel === null) return '';
    // a shadow tree's own style sheets are not in the document's list: read its elements
    if (sel !== true && el.getRootNode() === el.ownerDocument && !el.matches(sel)) return '';
    const win = el.ownerDocument.defaultView;
    const cs = win.getComputedStyle(el, which);
    let c = cs.content;
    if (!c || c === 'none' || c === 'normal') return '';
    if (cs.display === 'none') return '';
    // content: "text" / alt; strings only, one after another
    const alt = c.indexOf(' / ');
    if (alt >= 0) c = c.slice(alt + 3);
    let out = '';
    const re = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|attr\(([^)]+)\)/g;
    let m;
    while ((m = re.exec(c))) {
      if (m[3]) out += attr(el, m[3].trim()) || '';
      else out += (m[1] !== undefined ? m[1] : m[2]).replace(/\\([0-9a-f]{1,6}) ?|\\(.)/gi, (s, hex, ch) => (hex ? String.fromCodePoint(parseInt(hex, 16)) : ch));
    }
    // an icon font's private-use glyph says nothing
    out = out.replace(/[\ue000-\uf8ff]/g, '');
    if (!out) return '';
    return INLINE.has(cs.display) ? out : ' ' + out + ' ';
  }

  const styleOf = (el) => el.ownerDocument.defaultView.getComputedStyle(el);
  function transform(text, how) {
    if (how === 'uppercase') return text.toUpperCase();
    if (how === 'lowercase') return text.toLowerCase();
    if (how === 'capitalize') return text.replace(/(^|\s)(\S)/g, (m, a, b) => a + b.toUpperCase());
    return text;
  }

  // the value of an embedded control (2E), or null when it is not one
  function embeddedValue(el, role) {
    const tag = el.localName;
    if (role === 'textbox' || role === 'searchbox') {
      if (secret(el)) return '';
      if (tag === 'input' || tag === 'textarea') return el.value || '';
      return el.textContent || '';
    }
    if (role === 'combobox' || role === 'listbox') {
      if (tag === 'select') return [...el.selectedOptions].map((o) => o.text).join(' ');
      if (tag === 'input' || tag === 'textarea') return secret(el) ? '' : (el.value || '');
      const owned = idRefs(el, 'aria-controls').concat(idRefs(el, 'aria-owns'));
      const sel = [];
      for (const s of [el].concat(owned)) for (const o of s.querySelectorAll('[role=option][aria-selected=true]')) sel.push(o);
      if (sel.length) return sel.map((o) => compute(o, { target: o, visited: new Set(), inRef: false, hiddenOk: false, recursion: false, items: false, budget: { left: MAX } })).join(' ');
      return role === 'combobox' ? (el.textContent || '') : '';
    }
    if (RANGES.has(role)) {
      const vt = attr(el, 'aria-valuetext');
      if (vt !== null && norm(vt)) return vt;
      const vn = attr(el, 'aria-valuenow');
      if (vn !== null && norm(vn)) return vn;
      if (tag === 'input' || tag === 'meter' || tag === 'progress') return String(el.value);
      return '';
    }
    return null;
  }

  function labelText(el, ctx) {
    const labels = labelsOf(el);
    if (!labels.length) return '';
    const parts = [];
    for (const l of labels) parts.push(compute(l, Object.assign({}, ctx, { recursion: true, deep: true })));
    return norm(parts.join(' '));
  }

  // the text alternative from the host language (2D)
  function native(el, role, ctx) {
    const tag = el.localName;
    if (tag === 'input') {
      const t = (el.type || '').toLowerCase();
      if (t === 'button' || t === 'submit' || t === 'reset') {
        const v = attr(el, 'value');
        if (v !== null && v !== '') return v;
        if (t === 'submit') return 'Submit';
        if (t === 'reset') return 'Reset';
        return null;
      }
      if (t === 'image') {
        const a = attr(el, 'alt');
        if (a !== null && norm(a)) return a;
        if (!ctx.recursion || el === ctx.target) {
          const n = labelText(el, ctx);
          if (n) return n;
        }
        const v = attr(el, 'value');
        if (v !== null && norm(v)) return v;
        const ti = attr(el, 'title');
        if (ti !== null && norm(ti)) return ti;
        return 'Submit';
      }
    }
    if (!ctx.recursion || el === ctx.target) {
      if (tag === 'input' || tag === 'select' || tag === 'textarea' || tag === 'button' || tag === 'meter' || tag === 'progress' || tag === 'output') {
        const n = labelText(el, ctx);
        if (n) return n;
      }
    }
    if (tag === 'img' || tag === 'area') {
      const a = attr(el, 'alt');
      if (a !== null && norm(a)) return a;
    }
    if (tag === 'fieldset') { const lg = el.querySelector(':scope > legend'); if (lg) { const n = compute(lg, Object.assign({}, ctx, { recursion: true })); if (norm(n)) return n; } }
    if (tag === 'table') { const c = el.querySelector(':scope > caption'); if (c) { const n = compute(c, Object.assign({}, ctx, { recursion: true })); if (norm(n)) return n; } }
    if (tag === 'figure') { const c = el.querySelector(':scope > figcaption'); if (c) { const n = compute(c, Object.assign({}, ctx, { recursion: true })); if (norm(n)) return n; } }
    if (el.namespaceURI === 'http://www.w3.org/2000/svg') {
      for (const c of el.children) if (c.localName === 'title') { const n = norm(c.textContent); if (n) return n; }
      if (tag === 'a') { const x = attr(el, 'xlink:title'); if (x && norm(x)) return x; }
    }
    if (tag === 'optgroup') { const l = attr(el, 'label'); if (l && norm(l)) return l; }
    if (tag === 'option' && el.hasAttribute('label')) { const l = attr(el, 'label'); if (norm(l)) return l; }
    return null;
  }

  function childrenOf(el) {
    if (el.shadowRoot) return el.shadowRoot.childNodes;
    if (el.localName === 'slot') {
      const a = el.assignedNodes();
      return a.length ? a : el.childNodes;
    }
    return el.childNodes;
  }

  // the text of el's content (2F), its ::before and ::after included
  // no attribute that names, hides or gives a role (a class, an id, a style do not)
  function plainAttributes(el) {
    const list = el.attributes;
    for (let i = 0; i < list.length; i++) {
      const n = list[i].name;
      if (n === 'role' || n === 'title' || n === 'hidden' || n === 'slot' || n.startsWith('aria-')) return false;
    }
    return true;
  }

  function content(el, ctx, invisible, style) {
    // CSS generated content costs two style reads an element: read it on the element named
    // and in the (rare, short) labels and references, not in every descendant of every link
    const generated = !invisible && (el === ctx.target || ctx.deep);
    let out = generated ? pseudo(el, '::before') : '';
    // text-transform as a parent read it along with its display; the element named itself
    // is not asked (a style read for each listed element)
    const how = style ? style.textTransform : 'none';
    let kids = childrenOf(el);
    if (el.hasAttribute('aria-owns')) {
      kids = [...kids];
      for (const id of idRefs(el, 'aria-owns')) if (!el.contains(id)) kids.push(id);
    }
    const sub = ctx.recursion ? ctx : Object.assign({}, ctx, { recursion: true });
    const view = el.ownerDocument.defaultView;
    for (const ch of kids) {
      if (ctx.budget.left <= 0) break;
      if (ch.nodeType === 3) {
        if (!invisible) { out += how === 'none' ? ch.data : transform(ch.data, how); ctx.budget.left -= ch.data.length; }
        continue;
      }
      if (ch.nodeType !== 1 || NO_TEXT.has(ch.localName)) continue;
      if (ch.localName === 'br') { out += ' '; continue; }
      const cst = ch.namespaceURI === XHTML ? view.getComputedStyle(ch) : null;
      const block = cst !== null && !INLINE.has(cst.display);
      let t;
      if (PLAIN.has(ch.localName) && !ch.firstElementChild && !ch.shadowRoot && plainAttributes(ch)) {
        // plain text in a plain element, the bulk of every link and button
        if (!ctx.hiddenOk && (cst.display === 'none' || cst.visibility !== 'visible')) continue;
        t = cst.textTransform === 'none' ? ch.textContent : transform(ch.textContent, cst.textTransform);
        ctx.budget.left -= t.length;
      } else {
        if (ctx.items && CONTROLS.has(roleOf(ch))) continue;
        t = compute(ch, sub, cst);
      }
      out += block ? ' ' + t + ' ' : t;
    }
    return generated ? out + pseudo(el, '::after') : out;
  }

  function compute(el, ctx, style) {
    if (ctx.visited.has(el)) return '';
    ctx.visited.add(el);
    const top = el === ctx.target && !ctx.recursion && !ctx.inRef;
    const role = top && ctx.role ? ctx.role : roleOf(el);
    // 2A: hidden, unless reached through a reference to a hidden node
    const hidden = !ctx.hiddenOk && ctx.recursion ? hiddenState(el, style) : '';
    if (hidden === 'hidden') return '';
    if (hidden === 'invisible') return content(el, ctx, true, style);
    // a menu in the label of another control has no value to give
    if (el !== ctx.target && ctx.recursion && (role === 'menu' || role === 'menubar')) return '';
    // 2B: aria-labelledby, once per computation
    if (!ctx.inRef) {
      const refs = idRefs(el, 'aria-labelledby');
      if (refs.length) {
        const parts = [];
        for (const r of refs) {
          // an element may name itself among others: its own name then leaves this step out
          if (r === el) ctx.visited.delete(el);
          parts.push(compute(r, Object.assign({}, ctx, { inRef: true, hiddenOk: isHidden(r) || ctx.hiddenOk, recursion: r !== el || ctx.recursion, items: false, deep: true })));
        }
        const n = norm(parts.join(' '));
        if (n) { if (top) ctx.src = 'labelledby'; return n; }
      }
    }
    // 2C, 2E: a control embedded in the label of another says its value, not its label
    const embedded = el !== ctx.target ? embeddedValue(el, role) : null;
    if (embedded !== null) return embedded;
    const al = attr(el, 'aria-label');
    if (al && norm(al)) { if (top) ctx.src = 'label'; return al; }
    // 2D: the host language's own alternative
    if ((role !== 'none' && role !== 'presentation') || el.localName === 'input') {
      const n = native(el, role, ctx);
      if (n !== null && norm(n)) { if (top) ctx.src = 'native'; return n; }
    }
    // 2F: name from content
    if (ctx.recursion || ctx.inRef || FROM_CONTENT.has(role)) {
      const n = content(el, ctx, false, style);
      // inside another's content even a space counts: it separates the words around it
      if (norm(n) || (ctx.recursion && n)) { if (top) ctx.src = 'content'; return n; }
    }
    // 2I: tooltip (not of a presentational element), then a field's placeholder
    if (role === 'none' || role === 'presentation') return '';
    const ti = attr(el, 'title');
    if (ti && norm(ti)) { if (top) ctx.src = 'title'; return ti; }
    const ph = (el.localName === 'input' || el.localName === 'textarea' ? attr(el, 'placeholder') : null) || attr(el, 'aria-placeholder');
    if (ph && norm(ph)) { if (top) ctx.src = 'placeholder'; return ph; }
    return '';
  }

  // [name, source]: source is one of labelledby, label, native, content, title, placeholder
  function name(el, role) {
    const r = role || roleOf(el);
    // 2C for the element named: aria-label, when no aria-labelledby comes first
    const al = attr(el, 'aria-label');
    if (al && !el.hasAttribute('aria-labelledby')) { const n = norm(al); if (n) return [n, 'label']; }
    // the bulk of a page: a link or button holding only its text
    if (!el.firstElementChild && FROM_CONTENT.has(r) && FAST.has(el.localName) && !el.shadowRoot
      && plainAttributes(el) && !(el.localName === 'button' && labelsOf(el).length)) {
      const n = norm(pseudo(el, '::before') + el.textContent + pseudo(el, '::after'));
      return n ? [n, 'content'] : ['', ''];
    }
    const ctx = { target: el, role: r, src: '', visited: new Set(), inRef: false, hiddenOk: false, recursion: false, items: ITEMS.has(r), budget: { left: MAX } };
    const n = norm(compute(el, ctx));
    return n ? [n, ctx.src] : ['', ''];
  }

  function description(el, usedTitle) {
    const refs = idRefs(el, 'aria-describedby');
    if (refs.length) {
      const budget = { left: MAX };
      const visited = new Set([el]);
      const parts = refs.map((r) => compute(r, { target: el, visited, inRef: true, hiddenOk: isHidden(r), recursion: true, items: false, budget, deep: true }));
      const n = norm(parts.join(' '));
      if (n) return n;
    }
    const d = attr(el, 'aria-description');
    if (d && norm(d)) return norm(d);
    const ti = attr(el, 'title');
    if (!usedTitle && ti && norm(ti)) return norm(ti);
    return '';
  }

  return { name, description, roleOf, secret, labelsOf };
})(new WeakMap())
