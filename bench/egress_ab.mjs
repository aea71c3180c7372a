// browserd bench — egress_ab.mjs: what the private-network rule costs a navigation. Two
// servers side by side, each with its own Chromium: BEFORE (a build without the egress
// proxy, e.g. main's) and AFTER (this one, every connection through the proxy, the
// navigation's target checked first), both allowed the private network, since the bench
// pages are served on 127.0.0.1.
//
//   node bench/egress_ab.mjs [BEFORE_BINARY [AFTER_BINARY]]
//   AB_ROUNDS=7 AB_PAGES=wiki node bench/egress_ab.mjs …
//   AB_ROOT=/site/ node bench/egress_ab.mjs …   (the fixture site: no other hosts)
//
// Each bench page is observed with `url` (a navigation, then the page read) on one side
// then the other, alternating which goes first, AB_ROUNDS times after one untimed round.
// It prints each page's median per side, the median over pages, and the median over pages
// of the per-page difference (after − before).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, ROOTS } from './perception/serve.mjs';
import { freePort, median, sleep } from './server.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BINARIES = [
  process.argv[2] || '/work/main/target/release/browserd',
  process.argv[3] || path.join(ROOT, 'target/release/browserd'),
];
const ROUNDS = Number(process.env.AB_ROUNDS || 5);
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
// AB_ROOT=/site/: the fixture site's pages, which load nothing from other hosts (the
// bench pages ask for many, which the proxy resolves itself where Chromium's host rules
// refused them at once before).
const PREFIX = process.env.AB_ROOT || '/bench/';
const pages = fs.readdirSync(ROOTS[PREFIX]).filter((f) => f.endsWith('.html') && (!process.env.AB_PAGES || f.includes(process.env.AB_PAGES))).sort();

const servers = [];
for (const binary of BINARIES) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-egress-ab-'));
  const child = spawn(binary, ['serve'], {
    env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: 'ab', BROWSERD_ALLOW_PRIVATE_NETWORK: 'all', BROWSERD_CHROMIUM: CHROMIUM, BROWSERD_CHROMIUM_ARGS: HOST_RULES, RUST_LOG: 'warn,chromiumoxide=off' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  servers.push({ binary, base: `http://127.0.0.1:${port}`, child, dataDir });
}
const site = await serve(0);
const siteBase = `http://127.0.0.1:${site.address().port}`;
async function post(server, route, body) {
  const began = performance.now();
  const response = await fetch(server.base + route, { method: 'POST', headers: { authorization: 'Bearer ab', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  return { ok: response.ok, status: response.status, json, ms: performance.now() - began };
}
const perPage = servers.map(() => []);
try {
  for (const server of servers) {
    for (let i = 0; ; i++) {
      try { if ((await fetch(server.base + '/health')).ok) break; } catch { /* not listening yet */ }
      if (i > 300) throw new Error(`${server.binary} did not start`);
      await sleep(100);
    }
    server.session = (await post(server, '/session/start', { keep_alive: true, session_timeout_minutes: 30 })).json.session_id;
  }
  console.log(`${'page'.padEnd(40)} ${'before'.padStart(7)} ${'after'.padStart(7)}  (median ms of ${ROUNDS} navigations)`);
  for (const name of pages) {
    const url = `${siteBase}${PREFIX}${name}`;
    const timings = servers.map(() => []);
    for (let k = -1; k < ROUNDS; k++) {
      const order = k % 2 ? [1, 0] : [0, 1];
      for (const i of order) {
        const observed = await post(servers[i], '/env/observe', { session_id: servers[i].session, keep_alive: true, url });
        if (!observed.ok) throw new Error(`${name}: observe ${observed.status} ${JSON.stringify(observed.json).slice(0, 200)}`);
        if (k >= 0) timings[i].push(observed.ms);
        await sleep(30);
      }
    }
    const medians = timings.map(median);
    medians.forEach((m, i) => perPage[i].push(m));
    console.log(`${name.padEnd(40)} ${medians.map((m) => m.toFixed(1).padStart(7)).join(' ')}`);
  }
  const differences = perPage[1].map((after, j) => after - perPage[0][j]);
  console.log(`median over ${perPage[0].length} pages: before ${median(perPage[0]).toFixed(1)} ms, after ${median(perPage[1]).toFixed(1)} ms; median per-page difference ${median(differences).toFixed(1)} ms`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  await sleep(1500);
  site.close();
  for (const server of servers) fs.rmSync(server.dataDir, { recursive: true, force: true });
}
