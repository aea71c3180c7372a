// Where a navigation's time goes, page by page: browserd's `/env/observe` with a URL beside
// Playwright's `goto` until `load` + `ariaSnapshot` on the same Chromium binary, alternating,
// with browserd's own account of each navigation (its debug log: the browser's load, then
// the wait until the page is done, the read sent ahead during it) and the rest (the read
// when not sent ahead, perception, HTTP) by difference. Not part of `make bench`:
//   node bench/ready_breakdown.mjs [ROUNDS]     (BENCH_BROWSERD, BENCH_PAGES as run.mjs)
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { serve } from './perception/serve.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.join(HERE, '..');
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
const BROWSERD = process.env.BENCH_BROWSERD || path.join(ROOT, 'target/release/browserd');
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
const ROUNDS = +(process.argv[2] || 2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n ? (n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };

const port = await new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-ready-'));
const child = spawn(BROWSERD, ['serve'], {
  env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: 'k', BROWSERD_ALLOW_PRIVATE_NETWORK: 'all', BROWSERD_CHROMIUM: CHROMIUM, BROWSERD_CHROMIUM_ARGS: HOST_RULES, BROWSERD_LOG_FORMAT: 'json', RUST_LOG: 'warn,browserd::browser::tab::navigation=debug' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const settled = [];
let buffer = '';
child.stderr.on('data', (d) => {
  buffer += d;
  for (let i; (i = buffer.indexOf('\n')) >= 0; buffer = buffer.slice(i + 1)) {
    try { const line = JSON.parse(buffer.slice(0, i)); if (line.message === 'navigated and settled') settled.push(line); } catch (e) { /* not ours */ }
  }
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) { try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* starting */ } if (i > 300) throw new Error('browserd did not start'); await sleep(100); }
const post = async (route, body) => { const began = performance.now(); const r = await fetch(base + route, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify(body) }); await r.json(); return performance.now() - began; };
const pages = await serve();
const site = `http://127.0.0.1:${pages.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [HOST_RULES] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
const session = JSON.parse(await (await fetch(`${base}/session/start`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"keep_alive": true}' })).text()).session_id;
const names = fs.readdirSync(path.join(ROOT, '../shared/bench/pages')).filter((f) => f.endsWith('.html') && !f.startsWith('zz-') && f.includes(process.env.BENCH_PAGES || '')).sort();
const rows = {};
for (let round = -1; round < ROUNDS; round++) {
  for (const [index, name] of (round < 0 ? names.slice(0, 3) : names).entries()) {
    const url = `${site}/bench/${name}`;
    const row = (rows[name] ||= { total: [], load: [], settle: [], rest: [], peer_goto: [], peer_snapshot: [] });
    for (const side of (round + index) % 2 ? ['peer', 'browserd'] : ['browserd', 'peer']) {
      if (side === 'browserd') {
        const before = settled.length;
        const total = await post('/env/observe', { session_id: session, keep_alive: true, url, max_nb_actions: 10000 });
        await sleep(20);
        const log = settled[before];
        if (round >= 0 && log) { row.total.push(total); row.load.push(log.load_ms); row.settle.push(log.settle_ms); row.rest.push(total - log.load_ms - log.settle_ms); }
      } else {
        let began = performance.now();
        await page.goto(url, { waitUntil: 'load' });
        const goto = performance.now() - began;
        began = performance.now();
        await page.ariaSnapshot({ mode: 'ai' }).catch(() => page.locator('body').ariaSnapshot({ mode: 'ai' }));
        if (round >= 0) { row.peer_goto.push(goto); row.peer_snapshot.push(performance.now() - began); }
      }
    }
  }
}
const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '—');
console.log('| page | browserd total | load | settle (+ read sent ahead) | rest (read, perception, HTTP) | Playwright goto(load) | + snapshot | Playwright total |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const all = { total: [], load: [], settle: [], rest: [], peer_goto: [], peer_snapshot: [], peer: [] };
for (const [name, r] of Object.entries(rows)) {
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
  m.peer = m.peer_goto + m.peer_snapshot;
  for (const k of Object.keys(all)) all[k].push(m[k]);
  console.log(`| ${name} | ${f(m.total)} | ${f(m.load)} | ${f(m.settle)} | ${f(m.rest)} | ${f(m.peer_goto)} | ${f(m.peer_snapshot)} | ${f(m.peer)} |`);
}
const M = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, median(v.filter(Number.isFinite))]));
console.log(`| **median of ${names.length} pages** | **${f(M.total)}** | ${f(M.load)} | ${f(M.settle)} | ${f(M.rest)} | ${f(M.peer_goto)} | ${f(M.peer_snapshot)} | **${f(M.peer)}** |`);
await browser.close();
pages.close();
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
fs.rmSync(dataDir, { recursive: true, force: true });
