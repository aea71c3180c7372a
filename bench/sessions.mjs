// browserd bench — sessions.mjs: memory against idle sessions, up to a thousand, and whether
// a new session and an old one still work among them (`make bench-sessions`; not part of
// `make bench`: it takes ~15 minutes and ~13 GiB).
//
// Starts the release `browserd serve` (BROWSERD_MAX_SESSIONS = SESSIONS_MAX) and a small page
// on 127.0.0.1. Opens idle sessions (started, no page: as the memory figure of `make bench`),
// and at each checkpoint records:
//   - PSS of the browser's whole process tree, minus the tree before any session, per session;
//   - browserd's own RSS, the machine's MemAvailable, the browser's process count;
//   - a probe among them: a new session's start, navigate + observe, step (a click) and
//     close, and an observe + step on the oldest idle session (times; failures counted).
// Stops early, saying so, when MemAvailable falls under SESSIONS_RESERVE_MIB (2048).
// Prints a table, writes bench/results/sessions-<time>.json.
import fs from 'node:fs';
import http from 'node:http';
import { QUICK, now, sleep, startBrowserd, saveResults } from './server.mjs';
import { pssTreeKiB, processTree } from './machine.mjs';

const MAX = Number(process.env.SESSIONS_MAX || (QUICK ? 60 : 1000));
const RESERVE_MIB = Number(process.env.SESSIONS_RESERVE_MIB || 2048);
const CHECKPOINTS = [10, 50, 100, 200, 400, 600, 800, 1000].filter((n) => n <= MAX);

const PAGE = `<!doctype html><title>sessions bench</title><h1>Counter</h1>
<button id="b">Pressed 0</button><p><a href="#more">More</a></p>
<script>let n = 0; document.getElementById('b').onclick = () => { n += 1; document.getElementById('b').textContent = 'Pressed ' + n; };</script>`;
const site = http.createServer((request, response) => { response.setHeader('content-type', 'text/html'); response.end(PAGE); });
await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
const siteUrl = `http://127.0.0.1:${site.address().port}/`;

const memAvailableMiB = () => +fs.readFileSync('/proc/meminfo', 'utf8').match(/^MemAvailable:\s+(\d+) kB/m)[1] / 1024;
const rssMiB = (pid) => +(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m) || [0, 0])[1] / 1024;
const browserPid = (serverPid) => processTree(serverPid).find((pid) => { try { return /chromium/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]); } catch (e) { return false; } });

async function timed(call) { const began = now(); await call(); return now() - began; }

/** A new session's whole life, and an old one's observe + step. */
async function probe(server, oldest) {
  const out = { failures: [] };
  try {
    let id;
    out.start_ms = await timed(async () => { id = (await server.call('/session/start', { keep_alive: true })).session_id; });
    let button;
    out.navigate_observe_ms = await timed(async () => { button = (await server.call('/env/observe', { session_id: id, keep_alive: true, url: siteUrl })).space.actions.find((a) => a.description.includes('Pressed'))?.id; });
    out.step_ms = await timed(() => server.call('/env/step', { session_id: id, keep_alive: true, action_id: button }));
    out.close_ms = await timed(() => server.call('/session/close', { session_id: id }));
  } catch (error) { out.failures.push(`new session: ${error.message}`); }
  if (oldest) {
    try {
      out.old_observe_ms = await timed(() => server.call('/env/observe', { session_id: oldest, keep_alive: true, url: siteUrl }));
      const space = (await server.call('/env/observe', { session_id: oldest, keep_alive: true })).space;
      out.old_step_ms = await timed(() => server.call('/env/step', { session_id: oldest, keep_alive: true, action_id: space.actions.find((a) => a.description.includes('Pressed')).id }));
    } catch (error) { out.failures.push(`old session: ${error.message}`); }
  }
  return out;
}

const server = await startBrowserd('sessions', { BROWSERD_MAX_SESSIONS: String(MAX + 10) });
const rows = [];
let stoppedEarly = null;
try {
  const browser = browserPid(server.pid);
  await sleep(3000);
  const baseline = pssTreeKiB(browser);
  const ids = [];
  for (const target of CHECKPOINTS) {
    while (ids.length < target) {
      if (memAvailableMiB() < RESERVE_MIB) { stoppedEarly = `MemAvailable under ${RESERVE_MIB} MiB at ${ids.length} sessions`; break; }
      ids.push((await server.call('/session/start', { keep_alive: true, session_timeout_minutes: 30 })).session_id);
    }
    if (stoppedEarly) break;
    await sleep(5000);
    const pss = pssTreeKiB(browser);
    const row = {
      sessions: ids.length,
      browser_pss_mib: pss / 1024,
      per_session_mib: (pss - baseline) / 1024 / ids.length,
      browserd_rss_mib: rssMiB(server.pid),
      browser_processes: processTree(browser).length,
      mem_available_mib: memAvailableMiB(),
      ...(await probe(server, ids[0])),
    };
    rows.push(row);
    const f = (x) => (x === undefined ? '—' : x.toFixed(1));
    console.log(`${String(row.sessions).padStart(5)} sessions: ${f(row.per_session_mib)} MiB each (browser tree ${f(row.browser_pss_mib)} MiB, browserd ${f(row.browserd_rss_mib)} MiB, ${row.browser_processes} processes, ${f(row.mem_available_mib)} MiB free); new: start ${f(row.start_ms)}, navigate+observe ${f(row.navigate_observe_ms)}, step ${f(row.step_ms)} ms; oldest: observe ${f(row.old_observe_ms)}, step ${f(row.old_step_ms)} ms${row.failures.length ? `; FAILED: ${row.failures.join('; ')}` : ''}`);
  }
} finally {
  await server.stop();
  site.close();
}
if (stoppedEarly) console.log(`stopped early: ${stoppedEarly}`);
console.log(`raw figures: ${saveResults('sessions', { max: MAX, baseline_note: 'PSS of the browser tree before any session is subtracted', stopped_early: stoppedEarly, rows })}`);
