// browserd page side — collect.js (page script `collect`)
//   collect(watch?) → string
// Run in one of our isolated worlds of a frame (Page.createIsolatedWorld with universal
// access). Returns the page snapshot as a JSON *string* (parse it with
// PageSnapshot::from_json; the shape is src/perception/snapshot.rs) and keeps the listed
// elements in __browserd.elements by `handle` (an element keeps its handle from read to
// read while the document lasts: __browserd.ids), and the <iframe>s it cannot read in
// __browserd.frames, for locate / choose / framePoint / frameElement run later in the same
// world. When a waiting script runs it as its reader, `watch(root)` is given: each open
// shadow root and frame document it read besides the top document is handed to it, so that
// the wait notices changes there too (the reader contract of settle.js).
// It only reads the DOM (no page globals, no mutation of the page).
(watch) => {
  const T0 = performance.now();
  // names and descriptions: accname.js, bound around this script (injected/mod.rs)
  const accname = accnameFactory();
  const MAX_ELEMENTS = 6000;
  const MAX_HIDDEN = 300;
  const MAX_NAME = 150;
  const MAX_OPTIONS = 300;
  const top = document;
  const topWin = top.defaultView;
  const VW = topWin.innerWidth;
  const VH = topWin.innerHeight;

  // listed elements by handle, kept across reads: a handle is the element's own for as long
  // as the document lasts (an agent's plan outlives a re-render), and a gone element's is
  // never given again
  const reg = globalThis.__browserd;
  const kept = reg.elements;
  for (const [handle, el] of kept) if (!el.isConnected) kept.delete(handle);
  const handleOf = (el) => {
    let h = reg.ids.of.get(el);
    if (h === undefined) { h = reg.ids.next++; reg.ids.of.set(el, h); }
    return h;
  };
  // <iframe> elements whose document this world cannot read, indexed by `owner`
  const frameOwners = [];
  // the open shadow roots and frame documents read, besides the top document: what a
  // watcher of changes since this snapshot must observe too
  const roots = [];
  const elements = [];
  const landmarks = [];
  const headings = [];
  const frames = [{ url: String(top.URL), x: 0, y: 0, reachable: true }];
  const counts = {
    forms: 0, password: 0, search: 0, articles: 0, captcha: 0,
    shadow_roots: 0, frames_unreachable: 0, hidden: 0, disabled: 0,
    aria_hidden_subtrees: 0, inert_subtrees: 0, truncated: 0, over_limit: 0, nodes: 0,
  };

  const SKIP = new Set(['script', 'style', 'template', 'noscript', 'head', 'meta', 'link', 'title']);
  const INTERACTIVE = new Set([
    'link', 'button', 'checkbox', 'radio', 'switch', 'tab', 'menuitem',
    'menuitemcheckbox', 'menuitemradio', 'option', 'textbox', 'searchbox',
    'combobox', 'listbox', 'slider', 'spinbutton', 'treeitem',
  ]);
  const LANDMARK_ROLES = new Set([
    'navigation', 'banner', 'contentinfo', 'main', 'complementary', 'search',
    'form', 'region', 'dialog', 'alertdialog', 'menu', 'menubar', 'tablist', 'toolbar',
  ]);
  const BLOCK = new Set([
    'div', 'p', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'br',
    'section', 'article', 'header', 'footer', 'nav', 'table', 'tr', 'td', 'th',
    'dt', 'dd', 'figure', 'figcaption', 'blockquote', 'form', 'fieldset', 'legend',
    'address', 'aside', 'main', 'hr', 'pre', 'dl', 'label',
  ]);
  const TEXT_INPUT = new Set(['', 'text', 'email', 'search', 'tel', 'url', 'password', 'number',
    'date', 'time', 'datetime-local', 'month', 'week', 'color']);

  const CONSENT = /cookie|consent|gdpr/i;
  const CONSENT_TAGS = new Set(['div', 'section', 'aside', 'form', 'dialog', 'footer']);
  const WS = /[\s\u00a0\u200b]+/g;
  const WS_TEST = /[\t\n\r\f\u00a0\u200b]|\s\s/;
  const WANTED = new Set(['aria-describedby', 'aria-description', 'aria-labelledby', 'aria-label', 'alt', 'title', 'placeholder', 'aria-placeholder',
    'autocomplete', 'name', 'href', 'target', 'aria-checked', 'aria-pressed', 'aria-selected', 'aria-expanded',
    'aria-haspopup', 'aria-current', 'aria-required', 'aria-readonly', 'aria-disabled']);
  const norm = (s) => { if (!s) return ''; s = s.trim(); return WS_TEST.test(s) ? s.replace(WS, ' ').trim() : s; };
  const cut = (s, n) => (s.length > n ? s.slice(0, n - 1).trimEnd() + '…' : s);
  const attr = (el, a) => (el.getAttribute ? el.getAttribute(a) : null);
  const visOpts = { visibilityProperty: true };
  const bothOpts = { visibilityProperty: true, opacityProperty: true };
  const isShown = (el) => (el.checkVisibility ? el.checkVisibility(visOpts) : true);

  function explicitRole(el) {
    const r = attr(el, 'role');
    if (!r) return null;
    for (const t of r.trim().toLowerCase().split(/\s+/)) if (t) return t;
    return null;
  }

  const IMPLICIT_TAGS = new Set(['a', 'area', 'button', 'input', 'select', 'textarea', 'summary', 'nav', 'main',
    'aside', 'search', 'form', 'dialog', 'header', 'footer', 'section', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'article', 'fieldset']);
  function implicitRole(el, tag) {
    switch (tag) {
      case 'a': case 'area': return el.hasAttribute('href') ? 'link' : null;
      case 'button': return 'button';
      case 'input': {
        const t = (attr(el, 'type') || '').toLowerCase();
        if (t === 'hidden') return null;
        if (t === 'button' || t === 'submit' || t === 'reset' || t === 'image' || t === 'file') return 'button';
        if (t === 'checkbox') return 'checkbox';
        if (t === 'radio') return 'radio';
        if (t === 'range') return 'slider';
        if (t === 'number') return 'spinbutton';
        if (['', 'text', 'email', 'search', 'tel', 'url'].includes(t) || !TEXT_INPUT.has(t)) {
          if (el.list) return 'combobox';
          return t === 'search' ? 'searchbox' : 'textbox';
        }
        return 'textbox';
      }
      case 'select': return (el.multiple || el.size > 1) ? 'listbox' : 'combobox';
      case 'textarea': return 'textbox';
      case 'summary': return 'button';
      case 'nav': return 'navigation';
      case 'main': return 'main';
      case 'aside': return 'complementary';
      case 'search': return 'search';
      case 'form': return 'form';
      case 'dialog': return 'dialog';
      case 'header': return 'banner';
      case 'footer': return 'contentinfo';
      case 'section': return (el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) ? 'region' : null;
      case 'h1': case 'h2': case 'h3': case 'h4': case 'h5': case 'h6': return 'heading';
      case 'article': return 'article';
      case 'fieldset': return 'group';
      default: return null;
    }
  }

  function byId(el, id) {
    const root = el.getRootNode ? el.getRootNode() : el.ownerDocument;
    return (root && root.getElementById ? root.getElementById(id) : null) || el.ownerDocument.getElementById(id);
  }

  // ---- text of elements (accessible names are accname.js's) ----
  const labelsOf = accname.labelsOf;

  // The visible text of an element, for headings and the page's h1 (not a name: names
  // follow the accname algorithm in accname.js).
  function textOf(node, skip, budget, depth, allowHidden) {
    if (!node.firstElementChild && !node.shadowRoot && node.localName !== 'slot') return node.textContent || '';
    let out = '';
    const kids = node.shadowRoot ? node.shadowRoot.childNodes
      : (node.localName === 'slot' && node.assignedNodes().length ? node.assignedNodes() : node.childNodes);
    for (let i = 0; i < kids.length && out.length < budget; i++) {
      const ch = kids[i];
      if (ch.nodeType === 3) { out += ch.data; continue; }
      if (ch.nodeType !== 1 || ch === skip) continue;
      const t = ch.localName;
      if (SKIP.has(t)) continue;
      if (!allowHidden) {
        if (attr(ch, 'aria-hidden') === 'true' || ch.hasAttribute('hidden')) continue;
        if (!isShown(ch)) continue;
      }
      const block = BLOCK.has(t);
      if (block) out += ' ';
      if (ch.hasAttribute('aria-label') || ch.hasAttribute('aria-labelledby') || t === 'img' || t === 'input'
        || t === 'select' || t === 'textarea' || t === 'svg') {
        out += ' ' + accname.name(ch)[0] + ' ';
        continue;
      }
      if (depth < 25) out += textOf(ch, skip, budget - out.length, depth + 1, allowHidden);
      if (block) out += ' ';
    }
    return out;
  }

  // ---- geometry and visibility ----
  const clipCache = new Map();
  const NO_CLIP = new Set(['html', 'body', 'li', 'p', 'span', 'a', 'b', 'strong', 'em', 'i', 'small', 'label',
    'td', 'th', 'tr', 'tbody', 'thead', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dt', 'dd', 'time', 'abbr', 'font', 'u']);
  function parentCross(el) {
    if (el.parentElement) return el.parentElement;
    const r = el.parentNode;
    return r && r.host ? r.host : null;
  }
  function clipOf(a, frameOff) {
    let c = clipCache.get(a);
    if (c !== undefined) return c;
    c = null;
    const tag = a.localName;
    // inline and row/item-level boxes are not where pages hide things by clipping (menus and
    // carousels clip in a div / ul / nav / section container); skipping them saves a style
    // read per list item on long lists
    if (!NO_CLIP.has(tag)) {
      const cs = a.ownerDocument.defaultView.getComputedStyle(a);
      const ox = cs.overflowX, oy = cs.overflowY;
      if (ox !== 'visible' || oy !== 'visible') {
        const r = a.getBoundingClientRect();
        const sx = ox === 'auto' || ox === 'scroll';
        const sy = oy === 'auto' || oy === 'scroll';
        c = {
          l: ox === 'visible' ? -Infinity : r.left + frameOff.x,
          r: ox === 'visible' ? Infinity : r.right + frameOff.x,
          t: oy === 'visible' ? -Infinity : r.top + frameOff.y,
          b: oy === 'visible' ? Infinity : r.bottom + frameOff.y,
          scroll: sx || sy,
          fixed: cs.position === 'fixed',
        };
      }
    }
    clipCache.set(a, c);
    return c;
  }
  // clipping ancestors of an element, innermost first, memoised per ancestor
  const chainCache = new Map();
  const EMPTY = [];
  function clipChain(a, frameOff) {
    if (!a) return EMPTY;
    let ch = chainCache.get(a);
    if (ch) return ch;
    // iterative to stay shallow on deep trees: collect uncached ancestors first
    const pending = [];
    let b = a;
    while (b && !chainCache.has(b) && pending.length < 400) { pending.push(b); b = parentCross(b); }
    let acc = b ? chainCache.get(b) || EMPTY : EMPTY;
    for (let i = pending.length - 1; i >= 0; i--) {
      const c = clipOf(pending[i], frameOff);
      if (c) acc = [c].concat(acc);
      chainCache.set(pending[i], acc);
    }
    return chainCache.get(a) || EMPTY;
  }
  // 'ok' | 'scroll' (inside a scrollable container, out of its view) | 'clipped'
  function clipState(el, box, frameOff) {
    let state = 'ok';
    const chain = clipChain(parentCross(el), frameOff);
    for (let i = 0; i < chain.length; i++) {
      const c = chain[i];
      const inter = box.x < c.r && box.x + box.w > c.l && box.y < c.b && box.y + box.h > c.t;
      if (!inter) {
        if (!c.scroll) return 'clipped';
        state = 'scroll';
      }
    }
    return state;
  }
  function areaImage(el) {
    const map = el.closest('map');
    return map && map.name ? el.ownerDocument.querySelector('img[usemap="#' + map.name.replace(/["\\]/g, '') + '"]') : null;
  }
  function boxOf(el, frameOff) {
    let r = el.getBoundingClientRect();
    if (el.localName === 'area' && r.width < 1 && r.height < 1) {
      // an image-map area has no box of its own: use its shape on the image
      const img = areaImage(el);
      if (img) {
        const ir = img.getBoundingClientRect();
        const c = (el.getAttribute('coords') || '').split(',').map(Number);
        if (c.length === 4 && c.every((v) => v === v)) r = { left: ir.left + c[0], top: ir.top + c[1], width: c[2] - c[0], height: c[3] - c[1] };
        else r = ir;
      }
    }
    if (r.width < 1 && r.height < 1) {
      // display:contents or an inline wrapper around a block: use its children
      let l = Infinity, t = Infinity, rr = -Infinity, b = -Infinity, k = 0;
      for (let c = el.firstElementChild; c && k < 8; c = c.nextElementSibling, k++) {
        const q = c.getBoundingClientRect();
        if (q.width < 1 && q.height < 1) continue;
        l = Math.min(l, q.left); t = Math.min(t, q.top); rr = Math.max(rr, q.right); b = Math.max(b, q.bottom);
      }
      if (l !== Infinity) r = { left: l, top: t, width: rr - l, height: b - t };
    }
    return { x: r.left + frameOff.x, y: r.top + frameOff.y, w: r.width, h: r.height };
  }
  const docW = Math.max(top.documentElement ? top.documentElement.scrollWidth : 0, VW);
  const SY = topWin.scrollY, SX = topWin.scrollX;

  // reason why a person cannot see it, or '' when visible
  function hiddenReason(el, box, frameOff) {
    if (el.localName === 'area') { const img = areaImage(el); if (!img) return 'css'; el = img; }
    if (box.w < 1 && box.h < 1) return isShown(el) ? 'size' : 'css';
    if (el.checkVisibility && !el.checkVisibility(bothOpts)) return isShown(el) ? 'opacity' : 'css';
    if (box.w <= 2 || box.h <= 2) return 'tiny';
    const cs = clipState(el, box, frameOff);
    if (cs === 'clipped') return 'clipped';
    if (cs === 'scroll') return ''; // out of its scroll container's view: reachable by scrolling it
    if (box.x + box.w + SX <= 0 || box.y + box.h + SY <= 0 || box.x + SX >= docW) return 'offscreen';
    return '';
  }

  // ---- page cues ----
  let modalEl = null;
  try {
    modalEl = top.querySelector('dialog:modal');
    if (!modalEl) {
      for (const d of top.querySelectorAll('[aria-modal="true"]')) {
        if (isShown(d)) { const r = d.getBoundingClientRect(); if (r.width > 2 && r.height > 2) { modalEl = d; break; } }
      }
    }
  } catch (e) { modalEl = null; }

  let curHeading = -1;
  const headingEls = [];
  const NO_NAMES = [];

  // the rows and cells of grids, by their role or their table tag
  const GRID_ROLES = new Set(['row', 'gridcell', 'columnheader', 'rowheader', 'cell']);
  const FOCUSABLE = 'a[href],button,input,select,textarea,[tabindex],[contenteditable],[role=button],[role=link],[role=checkbox]';
  function gridRole(el, tag, role) {
    if (role) return GRID_ROLES.has(role) ? role : null;
    if (tag === 'td') return 'gridcell';
    if (tag === 'th') return 'columnheader';
    if (tag === 'tr') return 'row';
    return null;
  }
  // How a grid's items take the focus: 'rows' for the popup of a combobox (each row is a
  // choice), 'active' for a grid that moves aria-activedescendant over its cells, 'focus'
  // for one whose rows or cells take the focus themselves (tabindex).
  function gridKind(el) {
    const root = el.getRootNode();
    if (el.id && root.querySelector) {
      const id = CSS.escape(el.id);
      if (root.querySelector('[role=combobox][aria-controls~="' + id + '"],[role=combobox][aria-owns~="' + id + '"]')) return 'rows';
    }
    return el.hasAttribute('aria-activedescendant') ? 'active' : 'focus';
  }
  function gridItem(el, cellRole, kind) {
    if (el.hasAttribute('tabindex')) return true;
    if (kind === 'rows') return cellRole === 'row' && !el.querySelector('th,[role=columnheader]');
    // an active descendant needs an id: a day of a calendar grid, a selectable row
    if (kind === 'active' && el.id) return cellRole !== 'row' || el.hasAttribute('aria-selected');
    return false;
  }
  // listboxes that pop up from a listed select-only combobox
  const popups = new Set();

  function landmarkName(el) {
    return el.hasAttribute('aria-labelledby') || el.hasAttribute('aria-label') ? cut(accname.name(el)[0], 80) : '';
  }

  function visit(el, st) {
    counts.nodes++;
    const tag = el.localName;
    if (SKIP.has(tag)) return;
    // one DOM call for the attribute names; most nodes carry only class / id / style
    const names = el.hasAttributes() ? el.getAttributeNames() : NO_NAMES;
    const hasAttrs = names.length > 0;
    let s = st;
    let roleAttr = null;
    let hasCE = false;
    let hasOnclick = false;
    for (let i = 0; i < names.length; i++) {
      const k = names[i];
      if (k.length < 4) continue;
      if (k === 'hidden') { if (attr(el, 'hidden') !== 'until-found') return; }
      else if (k === 'aria-hidden') { if (attr(el, k) === 'true') { counts.aria_hidden_subtrees++; return; } }
      else if (k === 'inert') { counts.inert_subtrees++; return; }
      else if (k === 'role') roleAttr = attr(el, k);
      else if (k === 'aria-disabled') { if (attr(el, k) === 'true' && !s.ariaDisabled) s = Object.assign({}, s, { ariaDisabled: true }); }
      else if (k === 'contenteditable') hasCE = true;
      else if (k === 'onclick') hasOnclick = true;
    }
    let role = null;
    let cellRole = null;
    if (roleAttr) { for (const t of roleAttr.trim().toLowerCase().split(/\s+/)) if (t) { role = t; break; } }
    const explicit = role;
    if (role === 'none' || role === 'presentation' || role === 'generic') role = null;
    const imp = IMPLICIT_TAGS.has(tag) ? implicitRole(el, tag) : null;
    if (!role || (!INTERACTIVE.has(role) && !LANDMARK_ROLES.has(role) && role !== 'heading' && imp && INTERACTIVE.has(imp))) role = imp || role;
    if (role === 'banner' || role === 'contentinfo') {
      if (!explicit && st.sectioning) role = null;
    }
    if (el === modalEl) { s = Object.assign({}, s, { outside: false }); }
    if (tag === 'article') counts.articles++;
    if (tag === 'form') counts.forms++;

    if (role === 'heading') {
      if (isShown(el)) {
        const t = cut(norm(textOf(el, null, 200, 0, false)), 100);
        if (t) {
          const lvl = tag.length === 2 && tag[0] === 'h' ? +tag[1] : (+attr(el, 'aria-level') || 2);
          headings.push({ text: t, level: lvl, landmark: s.lm });
          headingEls.push(el);
          curHeading = headings.length - 1;
        }
      }
    } else if (role === 'combobox' && tag !== 'input' && el.querySelector('input:not([type=hidden]),textarea')) {
      // ARIA 1.1 combobox: a wrapper around the text box that is actually typed into; the
      // wrapper is not listed, its input is (found by the walk)
    } else if (role === 'listbox' && s.popups.has(el)) {
      // the popup of a listed select-only combobox: its options are the combobox's
      s = Object.assign({}, s, { inChoice: true });
    } else if (role && INTERACTIVE.has(role) && !(s.inChoice && role === 'option')) {
      // a control inside an option or a listed row (a remove button) is listed on its own
      if (record(el, role, tag, s)) s = Object.assign({}, s, { inChoice: true });
    } else if (role === 'separator' && hasAttrs && el.hasAttribute('tabindex') && el.hasAttribute('aria-valuenow')) {
      // a focusable separator with a value is a window splitter: moved like a slider
      record(el, 'separator', tag, s);
    } else if (s.grid && (cellRole = gridRole(el, tag, role)) && gridItem(el, cellRole, s.grid)) {
      // a row or cell of a grid that takes the focus acts (a date picker's day, a message
      // row that expands); a cell around a control of its own is that control's
      // (the cells of a listed row are its parts: the row is what a person picks)
      if (cellRole === 'row') { record(el, cellRole, tag, s); s = Object.assign({}, s, { inRow: true }); }
      else if (!s.inRow && !el.querySelector(FOCUSABLE)) record(el, cellRole, tag, s);
    } else if (tag === 'input' && !role) {
      // type=hidden
    } else if (!role && hasOnclick && tag !== 'body' && tag !== 'html' && !el.querySelector('a[href],button,input,select,textarea,[onclick]')) {
      // an old-style click handler on a plain element: a button to a person
      record(el, 'button', tag, s);
    } else if (!role && hasCE && el.isContentEditable && !(el.parentElement && el.parentElement.isContentEditable)) {
      record(el, 'textbox', tag, s);
    }

    if ((role && LANDMARK_ROLES.has(role) && !INTERACTIVE.has(role)) || tag === 'fieldset') {
      let lr = role || 'group';
      if (tag === 'fieldset') {
        lr = 'group';
      }
      let name = landmarkName(el);
      if (!name && tag === 'fieldset') {
        const lg = el.querySelector(':scope > legend');
        if (lg) name = cut(norm(textOf(lg, null, 200, 0, false)), 80);
      }
      if (!name && tag === 'dialog') name = '';
      if (lr !== 'group' || name) {
        landmarks.push({ role: lr, name: name || undefined, parent: s.lm >= 0 ? s.lm : undefined, frame: s.frame || undefined });
        s = Object.assign({}, s, { lm: landmarks.length - 1 });
      }
    }
    else if (!role && !s.consent && CONSENT_TAGS.has(tag) && hasAttrs && CONSENT.test((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : ''))) {
      // a cookie banner is no landmark, but an agent must know that is what it is: its
      // buttons are what stands between it and the page
      landmarks.push({ role: 'region', name: 'Cookie consent', parent: s.lm >= 0 ? s.lm : undefined, frame: s.frame || undefined });
      s = Object.assign({}, s, { lm: landmarks.length - 1, consent: true });
    }
    if (tag === 'article' || tag === 'aside' || tag === 'main' || tag === 'nav' || tag === 'section') {
      if (!s.sectioning) s = Object.assign({}, s, { sectioning: true });
    }

    if ((role === 'grid' || role === 'treegrid') && !s.grid) s = Object.assign({}, s, { grid: gridKind(el) });
    if (tag === 'select') return; // options are collected with the select
    if (tag === 'iframe' || tag === 'frame') { enterFrame(el, s); return; }
    if (el.shadowRoot) {
      counts.shadow_roots++;
      roots.push(el.shadowRoot);
      for (let c = el.shadowRoot.firstElementChild; c; c = c.nextElementSibling) visit(c, s);
      return;
    }
    if (tag === 'slot') {
      const assigned = el.assignedElements ? el.assignedElements() : [];
      if (assigned.length) { for (const c of assigned) visit(c, s); return; }
    }
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) visit(c, s);
  }

  function enterFrame(el, s) {
    let doc = null;
    try { doc = el.contentDocument; } catch (e) { doc = null; }
    const r = el.getBoundingClientRect();
    const src = attr(el, 'src') || '';
    if (/captcha|challenges\.cloudflare|turnstile/i.test(src)) counts.captcha++;
    if (!isShown(el) || r.width < 2 || r.height < 2) return;
    const fw = el.ownerDocument.defaultView;
    const cs = fw.getComputedStyle(el);
    const off = {
      x: s.off.x + r.left + el.clientLeft + (parseFloat(cs.paddingLeft) || 0),
      y: s.off.y + r.top + el.clientTop + (parseFloat(cs.paddingTop) || 0),
    };
    const name = cut(norm(attr(el, 'title') || attr(el, 'aria-label') || attr(el, 'name') || ''), 80);
    if (!doc || !doc.documentElement) {
      // another origin's document: the driver collects it in that frame's own world and
      // splices it in here (owner, at), or reports it unread
      counts.frames_unreachable++;
      landmarks.push({ role: 'iframe', name: name || undefined, parent: s.lm >= 0 ? s.lm : undefined, frame: frames.length });
      frames.push({
        url: cut(el.src || src, 200), name: name || undefined, x: off.x, y: off.y, reachable: false,
        owner: frameOwners.length, at: elements.length, landmark: landmarks.length - 1,
        heading: curHeading >= 0 ? curHeading : undefined, outside: s.outside || undefined,
      });
      frameOwners.push(el);
      return;
    }
    frames.push({ url: cut(String(doc.URL), 200), name: name || undefined, x: off.x, y: off.y, reachable: true });
    roots.push(doc);
    const fi = frames.length - 1;
    landmarks.push({ role: 'iframe', name: name || undefined, parent: s.lm >= 0 ? s.lm : undefined, frame: fi });
    const ns = Object.assign({}, s, { off, frame: fi, lm: landmarks.length - 1, sectioning: false });
    try { if (doc.querySelector('dialog:modal')) { /* modal inside a frame: keep simple */ } } catch (e) { /* ignore */ }
    if (doc.documentElement) visit(doc.documentElement, ns);
  }

  function optionsOf(el) {
    const out = [];
    const list = el.options;
    for (let i = 0; i < list.length && out.length < MAX_OPTIONS; i++) {
      const o = list[i];
      const label = cut(norm(o.label || o.text), 80);
      const item = { label, value: cut(o.value, 120) };
      if (o.selected) item.selected = true;
      if (o.disabled || (o.parentElement && o.parentElement.localName === 'optgroup' && o.parentElement.disabled)) item.disabled = true;
      out.push(item);
    }
    if (list.length > MAX_OPTIONS) counts.truncated++;
    return out;
  }
  // The options of an ARIA listbox, or of a select-only combobox: those of its popup too
  // (aria-controls, aria-owns), shown or not, since a click opens it.
  function ariaOptions(el, role) {
    const out = [];
    const found = [...el.querySelectorAll('[role=option]')];
    if (role === 'combobox') {
      for (const a of ['aria-controls', 'aria-owns']) {
        for (const id of (attr(el, a) || '').split(/\s+/)) {
          const p = id && byId(el, id);
          if (!p || el.contains(p)) continue;
          if (accname.roleOf(p) === 'listbox') popups.add(p);
          for (const o of p.querySelectorAll('[role=option]')) found.push(o);
        }
      }
    }
    for (const o of found) {
      if (out.length >= MAX_OPTIONS) break;
      if (attr(o, 'aria-hidden') === 'true' || (role !== 'combobox' && !isShown(o))) continue;
      const label = cut(accname.name(o, 'option')[0], 80);
      const item = { label, value: cut(attr(o, 'data-value') || label, 120) };
      if (attr(o, 'aria-selected') === 'true' || attr(o, 'aria-checked') === 'true') item.selected = true;
      if (attr(o, 'aria-disabled') === 'true') item.disabled = true;
      out.push(item);
    }
    return out;
  }

  // A transparent, absolutely positioned element stretched over at least half of its visible
  // parent: a person clicks what the parent shows and so clicks it.
  function overParent(el, box, off) {
    const cs = el.ownerDocument.defaultView.getComputedStyle(el);
    if (cs.position !== 'absolute' && cs.position !== 'fixed') return null;
    const p = parentCross(el);
    if (!p || !isShown(p)) return null;
    const pb = boxOf(p, off);
    if (pb.w * pb.h <= 0 || box.w * box.h < 0.5 * pb.w * pb.h) return null;
    if (p.checkVisibility && !p.checkVisibility(bothOpts)) return null;
    return p;
  }
  // A link or button over a visible card with more text than its own (the "faux block link"
  // pattern).
  function isOverlay(el, box, off) {
    const p = overParent(el, box, off);
    return !!p && norm(p.textContent).length > norm(el.textContent).length;
  }

  // For an element without a name: a word from its icon, test id, id or class that says
  // what it is for ("search", "close", "menu-toggle"), or an image's file name.
  const HINT_RE = /search|close|menu|burger|nav|cart|basket|bag|user|account|profile|login|logout|sign|share|play|pause|next|prev|back|forward|arrow|toggle|expand|collapse|more|filter|sort|settings|help|info|edit|delete|remove|add|plus|minus|like|heart|star|bookmark|download|upload|print|mail|phone|facebook|twitter|instagram|linkedin|youtube|pinterest|whatsapp|github|home|logo|top/i;
  function hintOf(el) {
    const cands = [];
    const use = el.querySelector('use');
    if (use) cands.push((use.getAttribute('href') || use.getAttribute('xlink:href') || '').replace(/^.*#/, ''));
    cands.push(attr(el, 'data-testid') || '', attr(el, 'data-icon') || '', el.id || '');
    const cls = typeof el.className === 'string' ? el.className : (attr(el, 'class') || '');
    for (const c of cls.split(/\s+/)) cands.push(c);
    const img = el.querySelector('img');
    if (img) cands.push(((img.getAttribute('src') || '').split(/[?#]/)[0].split('/').pop() || '').replace(/\.[a-z0-9]+$/i, ''));
    for (const c of el.querySelectorAll('[class]')) { if (cands.length > 24) break; const k = typeof c.className === 'string' ? c.className : ''; for (const t of k.split(/\s+/)) cands.push(t); }
    for (const c of cands) if (c && c.length <= 40 && HINT_RE.test(c)) return c.replace(/[_-]+/g, ' ').trim().toLowerCase();
    return '';
  }

  const hiddenOut = [];
  // returns true when the element is a choice container whose options were gathered
  function record(el, role, tag, s) {
    if (elements.length >= MAX_ELEMENTS) { counts.over_limit++; return false; }
    const off = s.off;
    let box = boxOf(el, off);
    let reason = s.outside ? 'modal' : hiddenReason(el, box, off);
    let viaLabel = false;
    if (reason === 'opacity' && (role === 'link' || role === 'button') && isOverlay(el, box, off)) reason = '';
    const checkable = tag === 'input' && (el.type === 'checkbox' || el.type === 'radio');
    // A styled control: the native input is invisible, its label is what a person clicks.
    // A checkbox or radio may be display:none or visibility:hidden (CSS-only toggles and
    // segmented pickers): a click on its label still toggles it. Any other input must take
    // the focus, which one not rendered cannot.
    if (reason && reason !== 'modal' && (reason !== 'css' || checkable) && tag === 'input' && labelsOf(el).length) {
      for (const l of labelsOf(el)) {
        const lb = boxOf(l, off);
        if (!hiddenReason(l, lb, off)) { box = lb; reason = ''; viaLabel = true; break; }
      }
    }
    // A native checkbox or radio made transparent over the box a component library draws
    // for it (switches, styled checkboxes without a label): the drawn box is what a person
    // clicks, and the input takes the click.
    if (reason === 'opacity' && checkable && overParent(el, box, off)) reason = '';
    if (reason) {
      counts.hidden++;
      if (hiddenOut.length < MAX_HIDDEN) hiddenOut.push({ tag, role, hidden: reason });
      return role === 'listbox' || role === 'combobox' && tag !== 'input';
    }
    const e = { handle: handleOf(el), tag, role };
    const A = {};
    const names = el.hasAttributes() ? el.getAttributeNames() : NO_NAMES;
    for (let i = 0; i < names.length; i++) { const k = names[i]; if (WANTED.has(k)) A[k] = el.getAttribute(k); }
    const [name, src] = accname.name(el, role);
    if (name) e.name = cut(name, MAX_NAME);
    else { const h = hintOf(el); if (h) e.hint = h; }
    if (src === 'title' || src === 'placeholder') e.name_from = src;
    if (A['aria-describedby'] || A['aria-description']) {
      const d = accname.description(el, src === 'title');
      if (d && d !== name) e.description = cut(d, MAX_NAME);
    }
    const formCtl = tag === 'input' || tag === 'select' || tag === 'textarea' || tag === 'button';
    if (tag === 'input') {
      const t = (el.type || 'text').toLowerCase();
      e.type = t;
      const ac = A.autocomplete;
      if (ac && ac !== 'on' && ac !== 'off') e.autocomplete = cut(ac, 40);
      if (t === 'checkbox' || t === 'radio') e.checked = !!el.checked;
      else if (accname.secret(el)) {
        // passwords, card numbers, security codes, one-time codes: never their value
        if (el.value) e.has_value = true;
        if (t !== 'password') e.secret = true;
      }
      else if (t !== 'file' && t !== 'submit' && t !== 'button' && t !== 'reset' && t !== 'image') { if (el.value) e.value = cut(el.value, 200); }
      if (t === 'range' || t === 'number' || t === 'date') {
        if (el.min) e.min = el.min; if (el.max) e.max = el.max; if (el.step && el.step !== 'any') e.step = el.step;
      }
      if (t === 'file' && el.multiple) e.multiple = true;
      if (el.list) { const o = []; for (const x of el.list.options) { if (o.length < 50) o.push({ label: cut(norm(x.label || x.value), 80), value: cut(x.value, 120) }); } e.options = o; }
    }
    if (tag === 'textarea' && el.value) e.value = cut(el.value, 200);
    if (tag === 'select') {
      e.options = optionsOf(el);
      if (el.multiple) e.multiple = true;
    } else if (role === 'listbox' || (role === 'combobox' && tag !== 'input')) {
      const o = ariaOptions(el, role);
      if (o.length) e.options = o;
    }
    if (A.name && (tag === 'input' || tag === 'select' || tag === 'textarea')) e.field = cut(A.name, 40);
    if (A.placeholder && norm(A.placeholder)) e.placeholder = cut(norm(A.placeholder), 80);
    if (tag === 'a' || tag === 'area') {
      const h = A.href || '';
      e.href = cut(/^\s*javascript:/i.test(h) ? 'javascript:' : h.trim(), 300);
      if (A.target === '_blank') e.new_tab = true;
    }
    // states
    const ac = A['aria-checked'];
    if (ac === 'true' || ac === 'false') e.checked = ac === 'true';
    if (ac === 'mixed') e.mixed = true;
    const ap = A['aria-pressed'];
    if (ap === 'true' || ap === 'false') e.pressed = ap === 'true';
    if (A['aria-selected'] === 'true') e.selected = true;
    const ax = A['aria-expanded'];
    if (ax === 'true' || ax === 'false') e.expanded = ax === 'true';
    if (tag === 'summary' && el.parentElement && el.parentElement.localName === 'details') e.expanded = !!el.parentElement.open;
    const hp = A['aria-haspopup'];
    if (hp && hp !== 'false') e.popup = hp === 'true' ? 'menu' : hp;
    const cur = A['aria-current'];
    if (cur && cur !== 'false') e.current = true;
    if ((formCtl && el.required) || A['aria-required'] === 'true') e.required = true;
    if ((formCtl && el.readOnly) || A['aria-readonly'] === 'true') e.readonly = true;
    let dis = false;
    if (formCtl) { try { dis = el.matches(':disabled'); } catch (x) { dis = !!el.disabled; } }
    if (dis || A['aria-disabled'] === 'true' || s.ariaDisabled) e.disabled = true;
    if (e.disabled) counts.disabled++;
    if (role === 'slider' || role === 'spinbutton' || role === 'separator') {
      const vn = attr(el, 'aria-valuenow'); if (vn !== null && e.value === undefined) e.value = vn;
      const vt = attr(el, 'aria-valuetext'); if (vt) e.value = vt;
      const mn = attr(el, 'aria-valuemin'); if (mn !== null && e.min === undefined) e.min = mn;
      const mx = attr(el, 'aria-valuemax'); if (mx !== null && e.max === undefined) e.max = mx;
    }
    if (role === 'combobox' && tag !== 'input' && tag !== 'select') {
      const v = cut(norm(el.textContent), 100);
      if (v && v !== e.name) e.value = v;
    }
    if (role === 'textbox' && tag !== 'input' && tag !== 'textarea') {
      e.value = cut(norm(el.textContent), 200) || undefined;
      if (attr(el, 'aria-multiline') === 'true' || el.isContentEditable) e.multiline = true;
    }
    if (tag === 'textarea') e.multiline = true;
    if (viaLabel) e.via_label = true;
    e.x = Math.round(box.x); e.y = Math.round(box.y); e.w = Math.round(box.w); e.h = Math.round(box.h);
    if (s.lm >= 0) e.landmark = s.lm;
    if (curHeading >= 0) e.heading = curHeading;
    if (s.frame) e.frame = s.frame;
    kept.set(e.handle, el);
    elements.push(e);
    if (tag === 'input' && e.type === 'password') counts.password++;
    if (role === 'searchbox' || (tag === 'input' && /search|^q$|query/i.test((attr(el, 'name') || '') + ' ' + (attr(el, 'id') || '')))) counts.search++;
    return role === 'listbox' || (role === 'combobox' && tag !== 'input');
  }

  const root = top.documentElement;
  if (root) visit(root, { lm: -1, off: { x: 0, y: 0 }, frame: 0, outside: !!modalEl, inChoice: false, sectioning: false, ariaDisabled: false, grid: false, popups });

  // a heading wrapped in a link or button (<a><h3>Story</h3></a>) names that action, not the
  // group of the actions after it: mark it so grouping skips it
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i];
    const next = e.heading === undefined ? 0 : e.heading + 1;
    const h = headingEls[next];
    if (h && kept.has(e.handle) && kept.get(e.handle).contains(h)) headings[next].in_action = true;
  }

  // ---- page-level cues ----
  const meta = (sel) => { const m = top.querySelector(sel); return m ? norm(m.getAttribute('content')) : ''; };
  let h1 = '';
  for (const h of top.querySelectorAll('h1')) { if (isShown(h)) { h1 = cut(norm(textOf(h, null, 300, 0, false)), 150); if (h1) break; } }
  try {
    for (const c of top.querySelectorAll('.g-recaptcha, .h-captcha, .cf-turnstile, [data-sitekey]')) if (isShown(c)) counts.captcha++;
  } catch (e) { /* ignore */ }
  const ldTypes = [];
  try {
    for (const s of top.querySelectorAll('script[type="application/ld+json"]')) {
      const txt = (s.textContent || '').slice(0, 20000);
      const re = /"@type"\s*:\s*"([A-Za-z]+)"/g;
      let m;
      while ((m = re.exec(txt)) && ldTypes.length < 12) if (!ldTypes.includes(m[1])) ldTypes.push(m[1]);
    }
  } catch (e) { /* ignore */ }
  let lead = '';
  try {
    const scope = top.querySelector('main, article, [role=main]') || top.body;
    const ps = scope ? scope.getElementsByTagName('p') : [];
    for (let i = 0; i < ps.length && i < 60; i++) {
      const t = norm(ps[i].textContent);
      if (t.length >= 80 && isShown(ps[i])) { lead = cut(t, 240); break; }
    }
  } catch (e) { /* ignore */ }
  const de = top.documentElement;
  const out = {
    version: 1,
    doc: reg.doc,
    url: String(top.URL),
    title: cut(norm(top.title), 200),
    lang: (de && attr(de, 'lang')) || undefined,
    description: cut(meta('meta[name="description" i]') || meta('meta[property="og:description"]'), 300) || undefined,
    og_type: meta('meta[property="og:type"]') || undefined,
    canonical: (() => { const l = top.querySelector('link[rel="canonical"]'); return cut((l && l.getAttribute('href')) || meta('meta[property="og:url"]') || '', 300) || undefined; })(),
    ld_types: ldTypes.length ? ldTypes : undefined,
    h1: h1 || undefined,
    lead: lead || undefined,
    viewport: { w: VW, h: VH },
    scroll: { x: Math.round(SX), y: Math.round(SY), w: Math.round(docW), h: Math.round(Math.max(de ? de.scrollHeight : 0, top.body ? top.body.scrollHeight : 0)) },
    modal: !!modalEl,
    paragraphs: top.getElementsByTagName('p').length,
    counts,
    frames,
    landmarks,
    headings,
    elements,
    hidden: hiddenOut,
  };
  globalThis.__browserd.frames = frameOwners;
  if (typeof watch === 'function') for (const root of roots) watch(root);
  out.time_ms = Math.round((performance.now() - T0) * 100) / 100;
  // a JSON string: CDP hands one string back far faster than it converts an object graph
  return JSON.stringify(out);
}
