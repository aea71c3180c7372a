// Compare our markdown with Playwright's AI snapshot on the recorded snapshots: tokens
// (o200k_base) and coverage (the rule of coverage.mjs, the same one `make bench` uses live).
// usage: node compare.mjs [filter] [--max N] [--misses]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { get_encoding } from 'tiktoken';
import { coverage } from './coverage.mjs';

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
    const aria = fs.readFileSync(path.join(ARIA, name + '.aria.txt'), 'utf8');
    const actions = r.actions.map((a) => ({ id: a.id, description: a.description, values: a.param ? a.param.values : [] }));
    const cover = coverage(aria, actions);
    const misses = cover.misses;
    const tOurs = tok(r.markdown);
    const tPw = tok(aria);
    rows.push({ page: name, pw_items: cover.expected, ours: r.actions.length, coverage: cover.share, tok_ours: tOurs, tok_pw: tPw, ratio: tOurs / tPw, category: r.category, perceive_us: r.perceive_us });
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
