// browserd bench — live.mjs: what watching a session costs it, and what the watcher gets
// (part of `make bench`; alone: `node bench/live.mjs`).
//
// Starts the release `browserd serve` and a small page on 127.0.0.1 (a button and a long
// body), then measures:
//   - step + observation with a live viewer attached vs none: the median of LIVE_STEPS
//     clicks per round, the two alternating over LIVE_ROUNDS rounds. The viewer is a
//     WebSocket client of `/session/{id}/live/ws` that takes every frame, as the live
//     page does;
//   - disk per step picture: the replay's JPEGs on disk after the run;
//   - frames per second in the viewer during a scroll: a viewer in control sends a wheel
//     event every 16 ms for LIVE_SCROLL_SECONDS; frames received per second.
// Prints a table, writes bench/results/live-<time>.json.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import WebSocket from 'ws';
import { QUICK, now, median, sleep, startBrowserd, saveResults } from './server.mjs';

const ROUNDS = Number(process.env.LIVE_ROUNDS || (QUICK ? 2 : 6));
const STEPS = Number(process.env.LIVE_STEPS || (QUICK ? 10 : 30));
const SCROLL_SECONDS = Number(process.env.LIVE_SCROLL_SECONDS || (QUICK ? 2 : 5));

const PAGE = `<!doctype html><title>live bench</title>
<style>body{font:16px sans-serif;margin:0} button{font-size:24px;margin:20px} section{padding:20px;border-bottom:1px solid #ccc}</style>
<button id="b">Pressed 0</button>
${Array.from({ length: 200 }, (_, i) => `<section style="background:hsl(${(i * 37) % 360},60%,85%)"><h2>Section ${i}</h2><p>${'Some text to scroll past. '.repeat(20)}</p></section>`).join('\n')}
<script>let n = 0; document.getElementById('b').onclick = () => { n += 1; document.getElementById('b').textContent = 'Pressed ' + n; };</script>`;

const site = http.createServer((request, response) => { response.setHeader('content-type', 'text/html'); response.end(PAGE); });
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}/`;

/** A live viewer: a socket that takes every frame. */
async function attach(viewerUrl, control) {
  const url = viewerUrl.replace(/^http/, 'ws').replace('/live?', '/live/ws?') + (control ? '&control=1' : '');
  const socket = new WebSocket(url);
  const viewer = { socket, frames: 0, bytes: 0 };
  socket.on('message', (data, binary) => { if (binary) { viewer.frames += 1; viewer.bytes += data.length; } });
  await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
  // The first frame says the screencast runs.
  for (let i = 0; i < 100 && viewer.frames === 0; i++) await sleep(20);
  return viewer;
}

async function steps(server, session, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const began = now();
    await server.call('/env/step', { session_id: session, action_id: 'B1', keep_alive: true });
    times.push(now() - began);
  }
  return times;
}

const server = await startBrowserd('live');
let figures;
try {
  const started = await server.call('/session/start', { keep_alive: true });
  const session = started.session_id;
  await server.call('/env/observe', { session_id: session, url: siteUrl, keep_alive: true });
  await steps(server, session, 5);
  const runs = { none: [], viewer: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['viewer', 'none'] : ['none', 'viewer'];
    for (const side of order) {
      const viewer = side === 'viewer' ? await attach(started.viewer_url, false) : null;
      runs[side].push(median(await steps(server, session, STEPS)));
      if (viewer) { viewer.socket.close(); await sleep(200); }
    }
  }
  // Frames during a scroll: wheel events as a person's, through a viewer in control.
  const scroller = await attach(started.viewer_url, true);
  const framesBefore = scroller.frames;
  const until = now() + SCROLL_SECONDS * 1000;
  while (now() < until) {
    scroller.socket.send(JSON.stringify({ type: 'wheel', x: 400, y: 300, dx: 0, dy: 60 }));
    await sleep(16);
  }
  const fps = (scroller.frames - framesBefore) / SCROLL_SECONDS;
  const frameKb = scroller.bytes / Math.max(1, scroller.frames) / 1024;
  scroller.socket.close();
  await sleep(500);
  const folder = path.join(server.dataDir, 'sessions', session, 'replay');
  const pictures = fs.existsSync(folder) ? fs.readdirSync(folder).map((name) => fs.statSync(path.join(folder, name)).size) : [];
  figures = {
    rounds: ROUNDS, steps: STEPS, scroll_seconds: SCROLL_SECONDS,
    step_median_none_ms: median(runs.none), step_median_viewer_ms: median(runs.viewer),
    pictures: pictures.length, picture_kb_mean: pictures.reduce((a, b) => a + b, 0) / Math.max(1, pictures.length) / 1024,
    picture_kb_median: pictures.length ? median(pictures) / 1024 : 0, scroll_fps: fps, frame_kb_mean: frameKb, runs,
  };
} finally {
  await server.stop();
  site.close();
}
const fmt = (x) => x.toFixed(1);
console.log('\nLive view and replay, medians over', ROUNDS, 'rounds of', STEPS, 'steps');
console.log('| figure | value |');
console.log('| --- | --- |');
console.log(`| step + observation, no viewer, ms | ${fmt(figures.step_median_none_ms)} |`);
console.log(`| step + observation, a live viewer attached, ms | ${fmt(figures.step_median_viewer_ms)} (${fmt(100 * (figures.step_median_viewer_ms / figures.step_median_none_ms - 1))} %) |`);
console.log(`| disk per step picture, KiB (mean / median of ${figures.pictures}) | ${fmt(figures.picture_kb_mean)} / ${fmt(figures.picture_kb_median)} |`);
console.log(`| frames per second in the viewer during a scroll | ${fmt(figures.scroll_fps)} (${fmt(figures.frame_kb_mean)} KiB a frame) |`);
console.log('raw figures:', saveResults('live', figures));
