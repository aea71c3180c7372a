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
import path from 'node:path';
import { chromium } from 'playwright-core';
import { QUICK, now, median, quantile, startBrowserd as startServer, saveResults } from './server.mjs';

const ROUNDS = Number(process.env.CDP_ROUNDS || (QUICK ? 2 : 5));
const EVALS = Number(process.env.CDP_EVALS || (QUICK ? 200 : 1000));
const SECONDS = Number(process.env.CDP_SECONDS || (QUICK ? 1 : 3));
const PAGE = 'data:text/html,<title>bench</title><h1>A small page</h1><p>' + 'text '.repeat(200) + '</p>';

async function startBrowserd() {
  const server = await startServer('cdp');
  const profiles = path.join(server.dataDir, 'chromium');
  const portFile = fs.readdirSync(profiles).map((d) => path.join(profiles, d, 'DevToolsActivePort')).find((f) => fs.existsSync(f));
  const [devtoolsPort, devtoolsPath] = fs.readFileSync(portFile, 'utf8').trim().split('\n');
  const direct = `ws://127.0.0.1:${devtoolsPort}${devtoolsPath}`;
  const session = async () => (await server.call('/session/start', { keep_alive: true })).cdp_url;
  return { session, direct, stop: server.stop };
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
console.log('raw figures:', saveResults('cdp', { rounds: ROUNDS, evals: EVALS, seconds: SECONDS, summary, runs }));
