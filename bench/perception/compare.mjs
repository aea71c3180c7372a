// Compare our markdown with Playwright's AI snapshot: tokens (o200k_base) and coverage of
// Playwright's interactive elements (role family + accessible name), skipping [disabled]
// and [aria-hidden] ones (and their subtrees).
// usage: node compare.mjs [filter] [--max N] [--misses]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { get_encoding } from 'tiktoken';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CRATE = path.join(HERE, '../..');
const SNAP = path.join(CRATE, 'tests/perception/fixtures/snapshots');
const ARIA = path.join(CRATE, 'tests/perception/fixtures/aria');
const OUT = path.join(HERE, 'out');
const argv = process.argv.slice(2);
const showMisses = argv.includes('--misses');
const maxI = argv.indexOf('--max');
const max = maxI >= 0 ? argv[maxI + 1] : '100000';
const filter = argv.find((a, i) => !a.startsWith('--') && (maxI < 0 || i !== maxI + 1)) || '';
const enc = get_encoding('o200k_base');
const tok = (s) => enc.encode(s).length;

const FAMILY = {
  link: 'L', button: 'B', checkbox: 'B', radio: 'B', switch: 'B', tab: 'B', menuitem: 'B',
  menuitemcheckbox: 'B', menuitemradio: 'B', treeitem: 'B', option: 'B',
  textbox: 'I', searchbox: 'I', combobox: 'I', listbox: 'I', slider: 'I', spinbutton: 'I',
};
export const key = (s) => (s || '').normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

function normUrl(u, base) {
  try { const x = new URL(u, base); return (/^(127\.0\.0\.1|localhost)$/.test(x.hostname) ? '' : x.hostname.replace(/^www\./, '')) + x.pathname.replace(/\/$/, '') + x.search; } catch (e) { return u; }
}
export function parseAria(text) {
  const items = [];
  const stack = []; // {indent, role, hidden, disabled}
  for (const line of text.split('\n')) {
    const u = line.match(/^\s*- \/url: (.*)$/);
    if (u && items.length && items[items.length - 1].role === 'link' && items[items.length - 1].url === null) { items[items.length - 1].url = u[1].replace(/^"|"$/g, ''); continue; }
    const m = line.match(/^(\s*)- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?(.*)$/);
    if (!m) continue;
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const role = m[2];
    let name = m[3] ? JSON.parse('"' + m[3] + '"') : '';
    const rest = m[4] || '';
    const parentHidden = stack.some((s) => s.hidden);
    const parentDisabled = stack.some((s) => s.disabled);
    const hidden = parentHidden || /\[aria-hidden\]/.test(rest);
    const disabled = parentDisabled || /\[disabled\]/.test(rest);
    const inChoice = stack.some((s) => s.role === 'combobox' || s.role === 'listbox');
    stack.push({ indent, role, hidden, disabled });
    if (!FAMILY[role]) continue;
    items.push({ role, name, hidden, disabled, inChoice, url: null });
  }
  return items;
}

function main() {
  const files = fs.readdirSync(SNAP).filter((f) => f.endsWith('.json') && fs.existsSync(path.join(ARIA, f.replace(/\.json$/, '.aria.txt'))))
    .filter((f) => f.includes(filter)).sort();
  const bin = path.join(CRATE, 'target/release/examples/perceive');
  const res = execFileSync(bin, ['--json', '--max', max, ...files.map((f) => path.join(SNAP, f))], { maxBuffer: 1 << 28 }).toString();
  const rows = [];
  const missLog = [];
  for (const line of res.trim().split('\n')) {
    const r = JSON.parse(line);
    const name = path.basename(r.file, '.json');
    const snap = JSON.parse(fs.readFileSync(r.file, 'utf8'));
    const byHandle = new Map(snap.elements.map((e) => [e.handle, e]));
    const aria = fs.readFileSync(path.join(ARIA, name + '.aria.txt'), 'utf8');
    const ours = { L: new Set(), B: new Set(), I: new Set(), V: new Set(), U: new Set() };
    const oursList = { L: [], B: [], I: [] };
    for (const a of r.actions) {
      const p = a.id[0];
      const el = byHandle.get(a.handle) || {};
      const k = key(el.name);
      ours[p].add(k); oursList[p].push(k);
      if (a.param) for (const v of a.param.values) ours.V.add(key(v));
      if (p === 'L' && el.href) ours.U.add(normUrl(el.href, snap.url));
    }
    const pw = parseAria(aria);
    const expected = pw.filter((x) => !x.hidden && !x.disabled);
    let hit = 0;
    const misses = [];
    for (const x of expected) {
      const k = key(x.name);
      let ok;
      if (x.role === 'link' && k === '' && x.url) ok = ours.U.has(normUrl(x.url, snap.url)) || ours.L.has('');
      else if (x.role === 'option' && x.inChoice) ok = ours.V.has(k) || ours.I.size > 0 && k === '';
      else {
        const fam = FAMILY[x.role];
        ok = ours[fam].has(k) || (k.length >= 8 && oursList[fam].some((o) => o.length >= 8 && (o.startsWith(k) || k.startsWith(o))));
      }
      if (ok) hit++; else misses.push(`${x.role} "${x.name}"`);
    }
    const tOurs = tok(r.markdown);
    const tPw = tok(aria);
    rows.push({ page: name, pw_items: expected.length, ours: r.actions.length, coverage: expected.length ? hit / expected.length : 1, tok_ours: tOurs, tok_pw: tPw, ratio: tOurs / tPw, category: r.category, perceive_us: r.perceive_us });
    if (misses.length) missLog.push(`## ${name} (${misses.length})\n` + misses.join('\n'));
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'misses.txt'), missLog.join('\n\n') + '\n');
  const pad = (s, n) => String(s).padEnd(n);
  console.log(pad('page', 34) + pad('pw', 6) + pad('ours', 6) + pad('cover', 8) + pad('tok', 7) + pad('pw_tok', 8) + pad('ratio', 7) + 'category');
  for (const x of rows) console.log(pad(x.page, 34) + pad(x.pw_items, 6) + pad(x.ours, 6) + pad((x.coverage * 100).toFixed(1) + '%', 8) + pad(x.tok_ours, 7) + pad(x.tok_pw, 8) + pad((x.ratio * 100).toFixed(1) + '%', 7) + x.category);
  const real = rows.filter((x) => x.page.startsWith('zz') === false && x.page.includes('.') && x.pw_items > 0);
  const med = (a) => { const s = [...a].sort((p, q) => p - q); return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };
  const tot = (f) => real.reduce((a, x) => a + f(x), 0);
  console.log(`\nreal pages: ${real.length}; median coverage ${(med(real.map((x) => x.coverage)) * 100).toFixed(1)}%, pooled coverage ${(tot((x) => x.coverage * x.pw_items) / tot((x) => x.pw_items) * 100).toFixed(1)}%, min ${(Math.min(...real.map((x) => x.coverage)) * 100).toFixed(1)}%; median token ratio ${(med(real.map((x) => x.ratio)) * 100).toFixed(1)}%, pooled ${(tot((x) => x.tok_ours) / tot((x) => x.tok_pw) * 100).toFixed(1)}%; median tokens ours ${med(real.map((x) => x.tok_ours))} vs pw ${med(real.map((x) => x.tok_pw))}`);
  if (showMisses) console.log(fs.readFileSync(path.join(OUT, 'misses.txt'), 'utf8').slice(0, 20000));
  fs.writeFileSync(path.join(OUT, 'compare.json'), JSON.stringify(rows, null, 1));
}
if (process.argv[1] === new URL(import.meta.url).pathname) main();
