// browserd bench — cdp.mjs: a session's CDP endpoint beside a direct connection to the same
// Chromium, in one run (part of `make bench`; alone: `node bench/cdp.mjs`).
//
// Starts the release `browserd serve`, finds its Chromium's own DevTools endpoint (the
// `DevToolsActivePort` file of its profile), and measures with Playwright (playwright-core):
//   - connect: `connectOverCDP` until the first page answers `evaluate('1')`; browserd: a
//     session's `cdp_url`; direct: the browser's endpoint, then a new context and page
//     (what a client of a bare browser does for an isolated page of its own);
//   - round trip: `page.evaluate('1')`, p50 and p95 over CDP_EVALS calls, after a warm-up;
//   - screenshots per second: `page.screenshot()` of a small page, for CDP_SECONDS seconds.
// Sides alternate per round (CDP_ROUNDS). Prints a table, writes bench/results/cdp-<time>.json.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '..');
const BROWSERD = process.env.BROWSERD_BIN || path.join(ROOT, 'target/release/browserd');
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium';
const QUICK = !!process.env.BENCH_QUICK;
const ROUNDS = Number(process.env.CDP_ROUNDS || (QUICK ? 2 : 5));
const EVALS = Number(process.env.CDP_EVALS || (QUICK ? 200 : 1000));
const SECONDS = Number(process.env.CDP_SECONDS || (QUICK ? 1 : 3));
const KEY = 'bench-key';
const PAGE = 'data:text/html,<title>bench</title><h1>A small page</h1><p>' + 'text '.repeat(200) + '</p>';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const median = (xs) => quantile(xs, 0.5);
const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.on('error', reject);
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});

async function startBrowserd() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-cdp-bench-'));
  const child = spawn(BROWSERD, ['serve'], {
    env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: KEY,
      BROWSERD_CHROMIUM: CHROMIUM, RUST_LOG: 'warn,chromiumoxide=off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* not yet */ }
    if (i > 300) throw new Error('browserd did not start');
    await sleep(100);
  }
  const stop = async () => { child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r)); fs.rmSync(dataDir, { recursive: true, force: true }); };
  const portFile = fs.readdirSync(path.join(dataDir, 'profiles')).map((d) => path.join(dataDir, 'profiles', d, 'DevToolsActivePort')).find((f) => fs.existsSync(f));
  const [devtoolsPort, devtoolsPath] = fs.readFileSync(portFile, 'utf8').trim().split('\n');
  const direct = `ws://127.0.0.1:${devtoolsPort}${devtoolsPath}`;
  const session = async () => {
    const response = await fetch(`${base}/session/start`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '{"keep_alive": true}' });
    return (await response.json()).cdp_url;
  };
  return { session, direct, stop };
}

/** A connected side: its page, and how long it took to have one that answers. */
async function connect(side, server) {
  const began = now();
  if (side === 'browserd') {
    const browser = await chromium.connectOverCDP(await server.session());
    const page = browser.contexts()[0].pages()[0];
    await page.evaluate('1');
    return { browser, page, context: null, ms: now() - began };
  }
  const browser = await chromium.connectOverCDP(server.direct);
  // The size browserd's pages have (its window), so that both sides draw the same pixels.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.evaluate('1');
  return { browser, page, context, ms: now() - began };
}

async function measure(side, server) {
  const connected = await connect(side, server);
  const { page } = connected;
  await page.goto(PAGE);
  for (let i = 0; i < 50; i++) await page.evaluate('1');
  const trips = [];
  for (let i = 0; i < EVALS; i++) { const t = now(); await page.evaluate('1'); trips.push(now() - t); }
  let shots = 0;
  const until = now() + SECONDS * 1000;
  while (now() < until) { await page.screenshot(); shots++; }
  if (connected.context) await connected.context.close();
  await connected.browser.close();
  return { connect: connected.ms, p50: median(trips), p95: quantile(trips, 0.95), shotsPerSecond: shots / SECONDS };
}

const server = await startBrowserd();
const runs = { browserd: [], direct: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['direct', 'browserd'] : ['browserd', 'direct'];
    for (const side of order) runs[side].push(await measure(side, server));
  }
} finally {
  await server.stop();
}
const summary = Object.fromEntries(Object.entries(runs).map(([side, rs]) => [side, {
  connect_ms: median(rs.map((r) => r.connect)),
  evaluate_p50_ms: median(rs.map((r) => r.p50)),
  evaluate_p95_ms: median(rs.map((r) => r.p95)),
  screenshots_per_s: median(rs.map((r) => r.shotsPerSecond)),
}]));
const fmt = (x) => x.toFixed(3);
console.log('\nCDP endpoint (Playwright connectOverCDP), medians over', ROUNDS, 'rounds');
console.log('| figure | browserd session | direct to the same Chromium | added |');
console.log('| --- | --- | --- | --- |');
for (const [name, key] of [['connect to a usable page, ms', 'connect_ms'], ['evaluate("1") p50, ms', 'evaluate_p50_ms'], ['evaluate("1") p95, ms', 'evaluate_p95_ms'], ['screenshots per second', 'screenshots_per_s']]) {
  const b = summary.browserd[key];
  const d = summary.direct[key];
  console.log(`| ${name} | ${fmt(b)} | ${fmt(d)} | ${fmt(b - d)} |`);
}
const out = path.join(HERE, 'results', `cdp-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), rounds: ROUNDS, evals: EVALS, seconds: SECONDS, chromium: CHROMIUM, summary, runs }, null, 2));
console.log('raw figures:', path.relative(ROOT, out));
