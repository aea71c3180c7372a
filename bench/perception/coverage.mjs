// The one coverage rule, shared by `make bench` (live pages) and compare.mjs (recorded
// snapshots): the share of Playwright's interactive elements (its AI snapshot) that
// browserd lists, matched by role family (L/B/I) and accessible name.
//
// Expected are the elements Playwright gives a ref: in its AI mode only visible elements
// that take pointer events get one, so these are the ones an agent can act on through it.
// Not expected: elements marked [disabled] or [aria-hidden] (or under such a node). Elements
// without a name cannot be matched by name; they are counted apart (`unnamed`).
//
// browserd's side is its action list as the API gives it ({id, description, values}): the
// name is the start of the description, after a checkbox/radio mark, before the notes
// browserd appends (" (required)", " → host", " = value"); names are compared as words.

export const FAMILY = {
  link: 'L', button: 'B', checkbox: 'B', radio: 'B', switch: 'B', tab: 'B', menuitem: 'B',
  menuitemcheckbox: 'B', menuitemradio: 'B', treeitem: 'B', option: 'B',
  textbox: 'I', searchbox: 'I', combobox: 'I', listbox: 'I', slider: 'I', spinbutton: 'I',
};

// browserd cuts names at 90 characters: compare at most this many leading words.
const WORDS_COMPARED = 8;

export const key = (s) => (s || '').normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
export const words = (s) => (s || '').normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];

/** Playwright's interactive nodes of an AI snapshot: {role, name, ref, url, hidden, disabled, inChoice}. */
export function parseAria(text) {
  const items = [];
  const stack = []; // {indent, role, hidden, disabled}
  for (const line of text.split('\n')) {
    const u = line.match(/^\s*- \/url: (.*)$/);
    if (u) {
      const last = items[items.length - 1];
      if (last && last.role === 'link' && last.url === null) last.url = u[1].replace(/^"|"$/g, '');
      continue;
    }
    const m = line.match(/^(\s*)- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?(.*)$/);
    if (!m) continue;
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const role = m[2];
    const name = m[3] ? JSON.parse('"' + m[3] + '"') : '';
    const rest = m[4] || '';
    const hidden = stack.some((s) => s.hidden) || /\[aria-hidden\]/.test(rest);
    const disabled = stack.some((s) => s.disabled) || /\[disabled\]/.test(rest);
    const inChoice = stack.some((s) => s.role === 'combobox' || s.role === 'listbox');
    stack.push({ indent, role, hidden, disabled });
    if (!FAMILY[role]) continue;
    const ref = (rest.match(/\[ref=([^\]]+)\]/) || [])[1] || null;
    items.push({ role, name, ref, url: null, hidden, disabled, inChoice });
  }
  return items;
}

/** The items of a snapshot that an agent can act on (see above). */
export const expectedItems = (items) => items.filter((x) => x.ref && !x.hidden && !x.disabled);

const stripMark = (description) => (description || '').replace(/^(\[[x \-]\]|\([x ]\)) /, '');

/** The words of the name an action's description starts with (state marks dropped). */
export const actionWords = (description) => words(stripMark(description));

const startsWithWords = (have, want) => {
  const n = Math.min(want.length, WORDS_COMPARED);
  if (have.length < n) return false;
  for (let i = 0; i < n; i++) if (have[i] !== want[i]) return false;
  return true;
};

/**
 * Coverage of Playwright's AI snapshot `ariaText` by browserd's `actions`
 * ({id, description, values?}). Returns {expected, listed, share, unnamed, misses}.
 */
export function coverage(ariaText, actions) {
  const ours = { L: [], B: [], I: [] };
  const values = new Set();
  for (const a of actions) {
    const family = a.id[0];
    if (!ours[family]) continue;
    const text = stripMark(a.description);
    ours[family].push({ words: words(text), text });
    for (const v of a.values || []) values.add(key(v));
  }
  const all = expectedItems(parseAria(ariaText));
  const expected = all.filter((x) => x.name.trim());
  const listed = (x) => {
    const want = words(x.name);
    if (x.role === 'option' && x.inChoice) return values.has(key(x.name));
    const family = ours[FAMILY[x.role]];
    if (want.length) return family.some((a) => startsWithWords(a.words, want));
    return family.some((a) => a.text.startsWith(x.name.trim())); // a name of symbols only ("►")
  };
  const misses = expected.filter((x) => !listed(x));
  return {
    expected: expected.length,
    listed: expected.length - misses.length,
    share: expected.length ? 1 - misses.length / expected.length : 1,
    unnamed: all.length - expected.length,
    misses: misses.map((x) => `${x.role} "${x.name}"`),
  };
}
