// browserd bench — server.mjs: what the Node benches share: the release `browserd serve` on
// a fresh data directory and a free port, and the figures' arithmetic.
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';

const HERE = path.dirname(new URL(import.meta.url).pathname);
export const ROOT = path.resolve(HERE, '..');
export const BROWSERD = process.env.BROWSERD_BIN || path.join(ROOT, 'target/release/browserd');
export const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
export const QUICK = !!process.env.BENCH_QUICK;
export const KEY = 'bench-key';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
export const median = (xs) => quantile(xs, 0.5);
export const freePort = () => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.on('error', reject);
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});

/** Starts `browserd serve` (`env`: more settings); resolves once it answers `/health`. */
export async function startBrowserd(name, env = {}) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `browserd-${name}-bench-`));
  const child = spawn(BROWSERD, ['serve'], {
    env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: KEY,
      BROWSERD_CHROMIUM: CHROMIUM, RUST_LOG: 'warn,chromiumoxide=off',
      // The bench pages are served on 127.0.0.1, which pages may not reach by default.
      BROWSERD_ALLOW_PRIVATE_NETWORK: process.env.BROWSERD_ALLOW_PRIVATE_NETWORK ?? 'all', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* not yet */ }
    if (i > 300) throw new Error('browserd did not start');
    await sleep(100);
  }
  const exited = new Promise((r) => child.on('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => true), sleep(90000).then(() => false)]) === false) { child.kill('SIGKILL'); await exited; }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const call = async (route, body) => {
    const response = await fetch(base + route, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    const json = await response.json();
    if (!response.ok) throw new Error(`${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { base, dataDir, stop, call, pid: child.pid };
}

/** Writes a run's raw figures to bench/results/NAME-<time>.json; returns the path. */
export function saveResults(name, figures) {
  const out = path.join(HERE, 'results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), chromium: CHROMIUM, ...figures }, null, 2));
  return path.relative(ROOT, out);
}
