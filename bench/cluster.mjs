// browserd bench — cluster.mjs: three nodes sharing one PostgreSQL beside one node, on this
// machine (`make bench-cluster`; alone: `node bench/cluster.mjs`). BENCH_QUICK=1 for a short run.
//
// Starts a throwaway PostgreSQL (Debian's binaries, initdb in a temp dir, as the `postgres`
// user under root, a loopback port) and three release `browserd serve` nodes on it, then
// measures:
//   - forwarding: `POST /env/observe` (`url: null`, a small fixture page loaded) of a
//     session held by node A, sent to A (direct) and to B (forwarded to A), interleaved;
//     p50/p95 of each, the added p50 and the p50 of the paired differences; the same for
//     `GET /session/{id}/files`, which costs little beside the hop;
//   - sessions per second: workers that start a session and close it, for SECONDS, all
//     through node A (one node) or spread over A, B, C (three nodes);
//   - requests per second: sessions looping observe on the fixture page, all on A, or spread
//     over the three nodes (each started through, and held by, its own node).
// Every node runs on the same two shared cores here, so three nodes cannot be faster than
// one at CPU-bound work on this machine: the figure says what the routing costs, not what
// three machines give. Prints a table, writes bench/results/cluster-<time>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { BROWSERD, CHROMIUM, KEY, QUICK, freePort, now, quantile, sleep, saveResults } from './server.mjs';

const PAIRS = Number(process.env.CLUSTER_PAIRS || (QUICK ? 50 : 500));
const SECONDS = Number(process.env.CLUSTER_SECONDS || (QUICK ? 3 : 15));
const WORKERS = Number(process.env.CLUSTER_WORKERS || 6);
const PAGE = '<!doctype html><title>bench</title><main><h1>A small page</h1>'
  + Array.from({ length: 10 }, (_, i) => `<button>Action ${i}</button> <a href="#${i}">Link ${i}</a>`).join('\n') + '</main>';

function pgBin() {
  const versions = fs.readdirSync('/usr/lib/postgresql').filter((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  if (!versions.length) throw new Error('no PostgreSQL: make postgresql');
  return `/usr/lib/postgresql/${versions.sort((a, b) => Number(a) - Number(b)).pop()}/bin`;
}

async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-pg-bench-'));
  const root = process.getuid() === 0;
  if (root) execFileSync('chown', ['postgres:postgres', dir]);
  const bin = pgBin();
  const run = (program, args) => root
    ? execFileSync('runuser', ['-u', 'postgres', '--', `${bin}/${program}`, ...args], { cwd: dir, stdio: 'pipe' })
    : execFileSync(`${bin}/${program}`, args, { cwd: dir, stdio: 'pipe' });
  const port = await freePort();
  run('initdb', ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
  run('pg_ctl', ['-D', `${dir}/data`, '-l', `${dir}/server.log`, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-w', 'start']);
  run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'browserd']);
  const stop = () => { run('pg_ctl', ['-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']); fs.rmSync(dir, { recursive: true, force: true }); };
  return { url: `postgres://postgres@127.0.0.1:${port}/browserd`, stop };
}

async function startNode(name, database, keys) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `browserd-${name}-bench-`));
  const child = spawn(BROWSERD, ['serve'], {
    env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: KEY,
      BROWSERD_CHROMIUM: CHROMIUM, BROWSERD_ALLOW_PRIVATE_NETWORK: 'all', BROWSERD_DATABASE_URL: database, BROWSERD_NODE_ID: name, BROWSERD_KEYS_DIR: keys,
      BROWSERD_MAX_SESSIONS: '200', RUST_LOG: 'warn,chromiumoxide=off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* not yet */ }
    if (i > 300) throw new Error(`${name} did not start`);
    await sleep(100);
  }
  const call = async (route, body) => {
    const response = await fetch(base + route, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const json = await response.json();
    if (!response.ok) throw new Error(`${name} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const stop = async () => { child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r)); fs.rmSync(dataDir, { recursive: true, force: true }); };
  return { name, base, call, stop };
}

function serveFixture() {
  return new Promise((resolve) => {
    const server = http.createServer((_, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(PAGE); });
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }));
  });
}

/** p50/p95 of a request to the holder (A) and through another node (B), interleaved, and
 * the added latency: the difference of the p50s and the p50 of the paired differences. */
async function pairs(a, b, request) {
  for (let i = 0; i < 20; i++) { await request(a); await request(b); }
  const direct = []; const forwarded = [];
  for (let i = 0; i < PAIRS; i++) {
    let t = now(); await request(a); direct.push(now() - t);
    t = now(); await request(b); forwarded.push(now() - t);
  }
  const p = (xs, q) => Number(quantile(xs, q).toFixed(2));
  const paired = forwarded.map((f, i) => f - direct[i]);
  return { pairs: PAIRS, direct: { p50: p(direct, 0.5), p95: p(direct, 0.95) }, forwarded: { p50: p(forwarded, 0.5), p95: p(forwarded, 0.95) },
    added_p50_ms: Number((quantile(forwarded, 0.5) - quantile(direct, 0.5)).toFixed(2)), paired_p50_ms: p(paired, 0.5) };
}

/** An observe of a loaded page, and a request that does almost nothing but the hop (the
 * session's file list, read from the holder's disk). */
async function forwarding([a, b], page) {
  const { session_id: id } = await a.call('/session/start', { keep_alive: true });
  await a.call('/env/observe', { session_id: id, url: page, keep_alive: true });
  const observe = await pairs(a, b, (node) => node.call('/env/observe', { session_id: id, keep_alive: true }));
  const files = await pairs(a, b, (node) => node.call(`/session/${id}/files`));
  await a.call('/session/close', { session_id: id });
  return { observe, files };
}

async function forSeconds(workers, work) {
  const until = now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: workers }, async (_, w) => { while (now() < until) { await work(w); done++; } }));
  return Number((done / SECONDS).toFixed(1));
}

async function sessionsPerSecond(nodes) {
  return forSeconds(WORKERS, async (w) => {
    const node = nodes[w % nodes.length];
    const { session_id: id } = await node.call('/session/start', { keep_alive: true });
    await node.call('/session/close', { session_id: id });
  });
}

async function requestsPerSecond(nodes, page) {
  const sessions = [];
  for (let w = 0; w < WORKERS; w++) {
    const node = nodes[w % nodes.length];
    const { session_id: id } = await node.call('/session/start', { keep_alive: true });
    await node.call('/env/observe', { session_id: id, url: page, keep_alive: true });
    sessions.push({ node, id });
  }
  const perSecond = await forSeconds(WORKERS, async (w) => {
    const { node, id } = sessions[w];
    await node.call('/env/observe', { session_id: id, keep_alive: true });
  });
  for (const { node, id } of sessions) await node.call('/session/close', { session_id: id });
  return perSecond;
}

async function main() {
  if (!fs.existsSync(BROWSERD)) throw new Error(`no ${BROWSERD}: cargo build --release`);
  const postgres = await startPostgres();
  const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-keys-bench-'));
  const fixture = await serveFixture();
  const nodes = [];
  try {
    for (const name of ['node-a', 'node-b', 'node-c']) nodes.push(await startNode(name, postgres.url, keys));
    const figures = {
      machine: { cpus: os.cpus().length, load: os.loadavg(), note: 'shared machine: other builds ran at the same time' },
      settings: { pairs: PAIRS, seconds: SECONDS, workers: WORKERS },
      forwarding: await forwarding(nodes, fixture.url),
      sessions_per_second: { one_node: await sessionsPerSecond([nodes[0]]), three_nodes: await sessionsPerSecond(nodes) },
      requests_per_second: { one_node: await requestsPerSecond([nodes[0]], fixture.url), three_nodes: await requestsPerSecond(nodes, fixture.url) },
    };
    console.log('| figure | one node (direct) | three nodes |');
    console.log('| --- | --- | --- |');
    for (const [name, f] of Object.entries(figures.forwarding)) {
      console.log(`| ${name} p50 / p95, ms | ${f.direct.p50} / ${f.direct.p95} | ${f.forwarded.p50} / ${f.forwarded.p95} forwarded: added p50 ${f.added_p50_ms} ms, paired p50 ${f.paired_p50_ms} ms |`);
    }
    console.log(`| sessions started and closed per second | ${figures.sessions_per_second.one_node} | ${figures.sessions_per_second.three_nodes} |`);
    console.log(`| observes per second (${WORKERS} sessions) | ${figures.requests_per_second.one_node} | ${figures.requests_per_second.three_nodes} |`);
    console.log(`raw figures: ${saveResults('cluster', figures)}`);
  } finally {
    for (const node of nodes) await node.stop();
    fixture.close();
    postgres.stop();
    fs.rmSync(keys, { recursive: true, force: true });
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
