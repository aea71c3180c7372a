// browserd page side — choose.js (page script `choose`)
// A function declaration for CDP Runtime.callFunctionOn, in the same isolated world that
// ran collect.js:
//   Runtime.callFunctionOn({ functionDeclaration: CHOOSE_JS, executionContextId,
//                            arguments: [{ value: handle }, { value: "France" }], returnByValue: true })
// For a <select>: selects the option whose label or value is `value` (exact, then
// case/space-insensitive, then a unique partial match), fires input + change, and returns
//   { status: 'ok', value, label }  or  { status: 'no-match', values: [labels…] }.
// For an ARIA listbox or select-only combobox: scrolls the matching [role=option] (its own,
// or its popup's) into view and returns { status: 'click', x, y, label } (top-viewport CSS
// pixels) for the caller to click it; { status: 'open' } when the combobox's popup is closed
// and must be opened (by a click on it) first.
// For other inputs (range, date, time, colour …): sets the value with the native setter and
// fires input + change: { status: 'ok', value }.
// For an ARIA slider, spin button or window splitter (a focusable separator): focuses it and returns { status: 'keys', target,
// vertical } for the caller to press arrow keys (up and down when vertical, else right and
// left) until aria-valuenow reaches target.
// Errors: { status: 'gone' | 'disabled' | 'invalid', message }.
(handle, value) => {
  const reg = globalThis.__browserd;
  const el = reg && reg.elements ? reg.elements.get(handle) : null;
  if (!el || !el.isConnected) return { status: 'gone' };
  const want = String(value == null ? '' : value);
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  let disabled = false;
  try { disabled = el.matches(':disabled'); } catch (e) { disabled = false; }
  if (disabled || el.getAttribute('aria-disabled') === 'true') return { status: 'disabled' };
  const fire = () => {
    el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const pick = (items, labelOf, valueOf) => {
    let m = items.filter((o) => labelOf(o) === want || valueOf(o) === want);
    if (!m.length) m = items.filter((o) => norm(labelOf(o)) === norm(want) || norm(valueOf(o)) === norm(want));
    if (!m.length && norm(want)) {
      const p = items.filter((o) => norm(labelOf(o)).includes(norm(want)));
      if (p.length === 1) m = p;
    }
    return m[0] || null;
  };
  if (el.localName === 'select') {
    const opts = [...el.options].filter((o) => !o.disabled);
    const o = pick(opts, (x) => (x.label || x.text).replace(/\s+/g, ' ').trim(), (x) => x.value);
    if (!o) return { status: 'no-match', values: opts.map((x) => (x.label || x.text).replace(/\s+/g, ' ').trim()).filter(Boolean) };
    if (el.multiple) o.selected = true; else el.value = o.value;
    fire();
    return { status: 'ok', value: o.value, label: (o.label || o.text).trim() };
  }
  const role = (el.getAttribute('role') || '').trim();
  if (role === 'listbox' || role === 'combobox') {
    // its own options and those of the popup it controls or owns
    const scopes = [el];
    for (const a of ['aria-controls', 'aria-owns']) {
      for (const id of (el.getAttribute(a) || '').split(/\s+/)) {
        const c = id && el.ownerDocument.getElementById(id);
        if (c && !scopes.some((x) => x.contains(c))) scopes.push(c);
      }
    }
    const opts = [];
    for (const sc of scopes) for (const o of sc.querySelectorAll('[role=option]')) if (o.getAttribute('aria-disabled') !== 'true') opts.push(o);
    const closed = el.getAttribute('aria-expanded') !== 'true';
    // a popup that makes its options when it opens
    if (!opts.length && role === 'combobox' && closed) return { status: 'open' };
    const text = (o) => (o.getAttribute('aria-label') || o.textContent || '').replace(/\s+/g, ' ').trim();
    const o = pick(opts, text, (x) => x.getAttribute('data-value') || text(x));
    if (!o) return { status: 'no-match', values: opts.map(text).filter(Boolean) };
    const box = o.getBoundingClientRect();
    const shown = (!o.checkVisibility || o.checkVisibility({ visibilityProperty: true })) && box.width > 0 && box.height > 0;
    // a person opens a closed popup before choosing in it
    if (!shown && role === 'combobox') return { status: 'open' };
    if (!shown) return { status: 'hidden' };
    o.scrollIntoView({ block: 'nearest', behavior: 'instant' });
    const r = o.getBoundingClientRect();
    let x = r.left + r.width / 2, y = r.top + r.height / 2;
    for (let w = o.ownerDocument.defaultView, d = 0; d < 20; d++) {
      let fe = null;
      try { fe = w.frameElement; } catch (e) { fe = null; }
      if (!fe) break;
      const fr = fe.getBoundingClientRect();
      x += fr.left + fe.clientLeft; y += fr.top + fe.clientTop;
      w = fe.ownerDocument.defaultView;
    }
    return { status: 'click', x, y, label: text(o) };
  }
  if (role === 'slider' || role === 'spinbutton' || role === 'separator') {
    // an ARIA widget has no value to set: focus it, and the caller moves it with the
    // arrow keys as a keyboard user would
    const target = Number(want);
    if (!want.trim() || !Number.isFinite(target)) return { status: 'invalid', message: 'it takes a number, not ' + JSON.stringify(want).slice(0, 80) };
    const min = parseFloat(el.getAttribute('aria-valuemin')), max = parseFloat(el.getAttribute('aria-valuemax'));
    if (target < min || target > max) return { status: 'invalid', message: 'it takes a number from ' + min + ' to ' + max };
    el.focus();
    // a spin button and a vertical slider go up and down; a slider, right and left
    // (a separator is horizontal unless it says otherwise, and moves across its line)
    const orientation = el.getAttribute('aria-orientation');
    const vertical = role === 'spinbutton' || (role === 'separator' ? orientation !== 'vertical' : orientation === 'vertical');
    return { status: 'keys', target, vertical };
  }
  if (el.localName === 'input' || el.localName === 'textarea') {
    if (el.readOnly) return { status: 'disabled', message: 'read-only' };
    el.value = want;
    if (el.value !== want && el.type !== 'range') return { status: 'invalid', message: 'the field does not accept ' + JSON.stringify(want).slice(0, 80), value: el.value };
    fire();
    return { status: 'ok', value: el.value };
  }
  return { status: 'invalid', message: 'not a select, listbox or input' };
}
