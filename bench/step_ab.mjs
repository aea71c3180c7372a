// browserd bench — step_ab.mjs: two builds of browserd side by side, for one change's effect
// on a step (click + fresh observation), without the noise of a machine whose speed drifts
// between runs.
//
//   node bench/step_ab.mjs BEFORE_BINARY AFTER_BINARY
//   AB_CLICKS=9 AB_PAGES=wiki node bench/step_ab.mjs …
//   AB_AFTER_CHROMIUM=/usr/lib/chromium/chromium-headless-shell AB_AFTER_ARGS=--kiosk \
//     node bench/step_ab.mjs B B     (one build, another browser or more flags after)
//
// Both servers run at once, each with its own Chromium (the same flags as `make bench`);
// every page's step element (the `step_targets` of the newest bench/results/*.json) is
// clicked on one then the other, alternating which goes first, AB_CLICKS times each after
// one untimed click. It prints each page's median per side, the median over pages, and the
// median over pages of the per-page difference (after − before).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from './perception/serve.mjs';
import { actionWords } from './perception/coverage.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BINARIES = process.argv.slice(2);
if (BINARIES.length !== 2) {
  console.error('usage: node bench/step_ab.mjs BEFORE_BINARY AFTER_BINARY');
  process.exit(2);
}
const CLICKS = Number(process.env.AB_CLICKS || 9);
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
const ALL = 10000;

const newest = fs.readdirSync(path.join(HERE, 'results')).filter((f) => f.endsWith('.json')).sort().pop();
const stepTargets = JSON.parse(fs.readFileSync(path.join(HERE, 'results', newest))).raw.pages.step_targets;
const targets = Object.entries(stepTargets).filter(([name, target]) => target && (!process.env.AB_PAGES || name.includes(process.env.AB_PAGES)));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

const servers = [];
for (const [side, binary] of BINARIES.entries()) {
  const after = side === 1;
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-ab-'));
  const child = spawn(binary, ['serve'], {
    env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: 'ab', BROWSERD_ALLOW_PRIVATE_NETWORK: 'all', BROWSERD_CHROMIUM: after ? process.env.AB_AFTER_CHROMIUM || CHROMIUM : CHROMIUM, BROWSERD_CHROMIUM_ARGS: after && process.env.AB_AFTER_ARGS ? `${HOST_RULES} ${process.env.AB_AFTER_ARGS}` : HOST_RULES, RUST_LOG: 'warn,chromiumoxide=off' },
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
  for (const [name, target] of targets) {
    const ids = [];
    for (const server of servers) {
      const observed = await post(server, '/env/observe', { session_id: server.session, keep_alive: true, url: `${siteBase}/bench/${name}`, max_nb_actions: ALL });
      const id = observed.json.space?.actions.find((a) => a.id[0] === target.family && `${a.id[0]}:${actionWords(a.description).join(' ')}` === target.key)?.id;
      if (id) await post(server, '/env/step', { session_id: server.session, keep_alive: true, action_id: id, max_nb_actions: ALL });
      ids.push(id);
    }
    if (ids.some((id) => !id)) { console.log(`${name}: the step element is not listed on both sides`); continue; }
    const timings = servers.map(() => []);
    for (let k = 0; k < CLICKS; k++) {
      const order = k % 2 ? [1, 0] : [0, 1];
      for (const i of order) {
        const stepped = await post(servers[i], '/env/step', { session_id: servers[i].session, keep_alive: true, action_id: ids[i], max_nb_actions: ALL });
        if (!stepped.ok) throw new Error(`${name}: step ${stepped.status} ${JSON.stringify(stepped.json).slice(0, 200)}`);
        timings[i].push(stepped.ms);
        await sleep(30);
      }
    }
    const medians = timings.map(median);
    medians.forEach((m, i) => perPage[i].push(m));
    console.log(`${name.padEnd(38)} ${ids[0].padEnd(5)} ${medians.map((m) => m.toFixed(1).padStart(6)).join(' ')}`);
  }
  const differences = perPage[1].map((after, j) => after - perPage[0][j]);
  console.log(`median over ${perPage[0].length} pages: before ${median(perPage[0]).toFixed(1)} ms, after ${median(perPage[1]).toFixed(1)} ms; median per-page difference ${median(differences).toFixed(1)} ms`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  await sleep(1500);
  site.close();
  for (const server of servers) fs.rmSync(server.dataDir, { recursive: true, force: true });
}
