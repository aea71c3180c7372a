// browserd bench — hostile.mjs: what a hostile page in one session does to another
// session's steps. The release `browserd serve`; a bystander session fills a form field
// step after step: first alone (its usual median), then while each hostile page of
// tests/fixtures/hostile/ (an endless loop, a page that never stops loading, allocation
// until the renderer dies, dialogs in a loop, a hundred pop-ups, a million nodes, frames
// in frames, a hundred thousand levels of nesting) is
// loaded in a session of its own. Prints, per page, the hostile request's outcome and the
// bystander's median and worst step meanwhile, against its usual median (target: within 2×).
//
//   node bench/hostile.mjs            (HOSTILE_STEPS=30 baseline steps; BENCH_QUICK=1 fewer;
//                                      HOSTILE_ONLY=deep.html,frames.html some pages only)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT, QUICK, median, now, quantile, saveResults, sleep, startBrowserd } from './server.mjs';

const STEPS = Number(process.env.HOSTILE_STEPS || (QUICK ? 15 : 30));
const OPERATION_TIMEOUT_SECS = 10;
const HOSTILE = path.join(ROOT, 'tests/fixtures/hostile');
const SITE = path.join(ROOT, 'tests/fixtures/site');

/** The hostile pages, the form the bystander fills, what the pop-ups open, `/endless`. */
function serveFixtures() {
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://127.0.0.1').pathname.slice(1);
    if (name === 'endless') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.write('<!doctype html><title>Endless</title><h1>Never stops loading</h1>\n');
      let n = 0;
      const timer = setInterval(() => res.write(`<p>line ${++n}</p>\n`), 200);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (name === 'page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>A page</title><p>A page');
    }
    const file = [HOSTILE, SITE].map((dir) => path.join(dir, name)).find((f) => !name.includes('..') && fs.existsSync(f));
    if (!file) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

process.env.BROWSERD_OPERATION_TIMEOUT_SECS = String(OPERATION_TIMEOUT_SECS);
const site = await serveFixtures();
const base = `http://127.0.0.1:${site.address().port}`;
const browserd = await startBrowserd('hostile');
const post = async (route, body) => {
  const began = now();
  const response = await fetch(browserd.base + route, { method: 'POST', headers: { authorization: 'Bearer bench-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  return { status: response.status, json, ms: now() - began };
};
const idOf = (observation, words) => observation.space.actions.find((a) => a.description.includes(words))?.id;

try {
  const bystander = (await post('/session/start', { keep_alive: true })).json.session_id;
  const form = await post('/env/observe', { session_id: bystander, keep_alive: true, url: `${base}/form.html` });
  const email = idOf(form.json, 'Email');
  let n = 0;
  const step = async () => {
    const r = await post('/env/step', { session_id: bystander, keep_alive: true, action_id: email, value: `ada${++n}@example.com` });
    if (r.status !== 200) throw new Error(`the bystander's step failed: ${r.status} ${JSON.stringify(r.json)}`);
    return r.ms;
  };
  for (let i = 0; i < 3; i++) await step();
  const alone = [];
  for (let i = 0; i < STEPS; i++) alone.push(await step());
  const usual = median(alone);
  console.log(`machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (shared with other builds: figures are noisy)`);
  console.log(`bystander alone: median ${usual.toFixed(1)} ms, p90 ${quantile(alone, 0.9).toFixed(1)} ms over ${STEPS} steps`);
  console.log(`${'hostile page'.padEnd(22)} ${'answer'.padEnd(34)} ${'steps'.padStart(5)} ${'median'.padStart(7)} ${'worst'.padStart(7)} ${'× usual'.padStart(8)}`);

  const hostile = async (page) => {
    const id = (await post('/session/start', { keep_alive: true })).json.session_id;
    if (page === 'dialogs.html') {
      const observed = await post('/env/observe', { session_id: id, keep_alive: true, url: `${base}/${page}` });
      return post('/env/step', { session_id: id, keep_alive: true, action_id: idOf(observed.json, 'Alert forever') });
    }
    if (page === 'popups.html') {
      const observed = await post('/env/observe', { session_id: id, keep_alive: true, url: `${base}/${page}` });
      return post('/env/step', { session_id: id, keep_alive: true, action_id: idOf(observed.json, 'Open a hundred') });
    }
    return post('/env/observe', { session_id: id, keep_alive: true, url: `${base}/${page}` });
  };
  const rows = [];
  const pages = ['loop.html', 'endless', 'memory.html', 'dialogs-onload.html', 'dialogs.html', 'popups.html', 'nodes.html', 'frames.html', 'deep.html'];
  const only = process.env.HOSTILE_ONLY?.split(',');
  for (const page of pages.filter((p) => !only || only.includes(p))) {
    let done = false;
    const meanwhile = [];
    const running = hostile(page).finally(() => { done = true; });
    while (!done || meanwhile.length < 3) meanwhile.push(await step());
    const answer = await running;
    const row = { page, status: answer.status, ms: Math.round(answer.ms), error: answer.json.error ?? null, steps: meanwhile.length, median: median(meanwhile), worst: Math.max(...meanwhile), ratio: median(meanwhile) / usual };
    rows.push(row);
    const said = `${answer.status} in ${(answer.ms / 1000).toFixed(1)} s`;
    console.log(`${page.padEnd(22)} ${said.padEnd(34)} ${String(row.steps).padStart(5)} ${row.median.toFixed(1).padStart(7)} ${row.worst.toFixed(1).padStart(7)} ${row.ratio.toFixed(2).padStart(8)}`);
    await sleep(500);
  }
  console.log(`results: ${saveResults('hostile', { machine: { cores: os.cpus().length, load: os.loadavg() }, usual, alone, rows })}`);
} finally {
  await browserd.stop();
  site.close();
}
