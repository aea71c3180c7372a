// browserd soak — soak.mjs: many sessions for a long time, with the browser killed now and
// then and renderers killed at random; whether browserd holds and leaks nothing
// (`make soak`; never part of `make test`). See bench/README.md, "The soak".
//
// Starts the release `browserd serve` on a fresh data directory and the bench pages on
// 127.0.0.1, then for SOAK_MINUTES runs SOAK_SESSIONS workers, each cycling
// start → observe (a bench page) → step (an action of that page) → scrape → close.
// Meanwhile it kills a random renderer of the browser every SOAK_RENDERER_KILL_S seconds
// and the browser itself every SOAK_BROWSER_KILL_S seconds (SIGKILL, by pid, found from
// browserd's process tree), and every SOAK_SAMPLE_S seconds samples:
//   - RSS of browserd and its anonymous part (the heap, without the binary's pages), RSS and PSS of the browser's process tree, their file descriptors;
//   - the browser's contexts and targets (over its DevTools endpoint, which browserd opens
//     on 127.0.0.1) beside browserd's active sessions (`/health`).
// At the end it closes every session, waits, samples what is left, stops browserd and
// compares what the responses reported (sessions, their ending, steps) with the store
// (the SQLite file, read with python3's sqlite3). Writes bench/results/soak-<time>.json
// and prints a summary; exits 1 when an error not caused by a kill, a lost record or a
// leftover context or page was found.
//
// Environment: SOAK_MINUTES (60), SOAK_SESSIONS (4), SOAK_RENDERER_KILL_S, SOAK_BROWSER_KILL_S,
// SOAK_SAMPLE_S (defaults scale with the length: a short run kills and samples more often).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { BROWSERD, CHROMIUM, KEY, ROOT, freePort, sleep, saveResults } from './server.mjs';
import { serve } from './perception/serve.mjs';
import { processTree, commandLine, describeMachine, loadAverage } from './machine.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES || 60);
const SHORT = MINUTES <= 10;
const WORKERS = Number(process.env.SOAK_SESSIONS || 4);
const RENDERER_KILL_S = Number(process.env.SOAK_RENDERER_KILL_S || (SHORT ? 15 : 30));
const BROWSER_KILL_S = Number(process.env.SOAK_BROWSER_KILL_S || (SHORT ? Math.max(45, MINUTES * 20) : 600));
const WARM = Number(process.env.BROWSERD_WARM_CONTEXTS || 2);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S || (SHORT ? 5 : 15));
// The pool's longest way down from its ceiling to its floor (three quiet minutes), and a margin.
const POOL_SETTLE_MS = 4 * 60 * 1000;
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
const log = (...a) => console.error(`[soak ${new Date().toISOString().slice(11, 19)}]`, ...a);
const read = (file) => { try { return fs.readFileSync(file, 'utf8'); } catch (e) { return null; } };

// ---------------------------------------------------------------- the pages

const pagesDir = path.join(ROOT, '../shared/bench/pages');
const sitePages = ['actions.html', 'article.html', 'form.html', 'product.html', 'search.html', 'widgets.html'];
const site = await serve(0);
const siteBase = `http://127.0.0.1:${site.address().port}`;
const PAGES = fs.existsSync(pagesDir)
  ? fs.readdirSync(pagesDir).filter((f) => f.endsWith('.html')).map((f) => `${siteBase}/bench/${f}`)
  : sitePages.map((f) => `${siteBase}/site/${f}`);
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

// ---------------------------------------------------------------- browserd

const port = await freePort();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-soak-'));
const logFile = path.join(dataDir, 'browserd.log');
const logStream = fs.createWriteStream(logFile);
const child = spawn(BROWSERD, ['serve'], {
  env: { ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: KEY,
    BROWSERD_CHROMIUM: CHROMIUM, BROWSERD_ALLOW_PRIVATE_NETWORK: 'all', BROWSERD_CHROMIUM_ARGS: HOST_RULES, BROWSERD_MAX_SESSIONS: '200', BROWSERD_WARM_CONTEXTS: String(WARM),
    RUST_LOG: process.env.RUST_LOG || 'warn,chromiumoxide=off' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
child.stderr.pipe(logStream);
const exited = new Promise((resolve) => child.on('exit', resolve));
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* not yet */ }
  if (i > 300 || child.exitCode !== null) throw new Error(`browserd did not start; see ${logFile}`);
  await sleep(100);
}

async function call(route, body) {
  try {
    const response = await fetch(base + route, {
      method: body ? 'POST' : 'GET', signal: AbortSignal.timeout(120000),
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json().catch(() => ({}));
    return { status: response.status, json };
  } catch (e) {
    return { status: 0, json: { error: `transport: ${e.message}` } };
  }
}

// ---------------------------------------------------------------- the browser's processes

const isChromium = (pid) => { try { return fs.readlinkSync(`/proc/${pid}/exe`) === CHROMIUM; } catch (e) { return false; } };
const ppid = (pid) => { const t = read(`/proc/${pid}/stat`); return t ? +t.slice(t.lastIndexOf(')') + 2).split(' ')[1] : -1; };
/** The browsers browserd runs: its Chromium children (not their helpers). */
const browsers = () => processTree(child.pid).filter((pid) => ppid(pid) === child.pid && isChromium(pid));
// A zygote's child rewrites its command line as one string: match the text, not an argument.
const renderers = () => browsers().flatMap((b) => processTree(b)).filter((pid) => (read(`/proc/${pid}/cmdline`) || '').includes('--type=renderer'));
const statusField = (pid, field) => { const m = (read(`/proc/${pid}/status`) || '').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm')); return m ? +m[1] : 0; };
const fds = (pid) => { try { return fs.readdirSync(`/proc/${pid}/fd`).length; } catch (e) { return 0; } };
const anonymous = (pid) => { const m = (read(`/proc/${pid}/smaps_rollup`) || '').match(/^Anonymous:\s+(\d+) kB/m); return m ? +m[1] : 0; };
const pss = (pid) => { const m = (read(`/proc/${pid}/smaps_rollup`) || '').match(/^Pss:\s+(\d+) kB/m); return m ? +m[1] : 0; };

/** The browser's own view over its DevTools endpoint: contexts and targets by type. */
async function devtools(browserPid) {
  const dir = commandLine(browserPid).find((a) => a.startsWith('--user-data-dir='))?.slice(16);
  const active = dir && read(path.join(dir, 'DevToolsActivePort'));
  if (!active) return null;
  const [devPort, wsPath] = active.trim().split('\n');
  const socket = new WebSocket(`ws://127.0.0.1:${devPort}${wsPath}`);
  try {
    await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); setTimeout(() => reject(new Error('timeout')), 5000); });
    const pending = new Map();
    socket.on('message', (data) => { const m = JSON.parse(data); pending.get(m.id)?.(m); });
    const send = (id, method) => new Promise((resolve, reject) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method }));
      setTimeout(() => reject(new Error(`${method}: timeout`)), 5000);
    });
    const contexts = (await send(1, 'Target.getBrowserContexts')).result?.browserContextIds || [];
    const targets = (await send(2, 'Target.getTargets')).result?.targetInfos || [];
    const byType = {};
    for (const t of targets) byType[t.type] = (byType[t.type] || 0) + 1;
    // The default context's pages are the browser's own (its first about:blank), not a session's.
    const pagesInContexts = targets.filter((t) => t.type === 'page' && contexts.includes(t.browserContextId)).length;
    return { contexts: contexts.length, targets: targets.length, pages_in_contexts: pagesInContexts, by_type: byType };
  } catch (e) {
    return { error: e.message };
  } finally {
    socket.terminate();
  }
}

const began = Date.now();
const minutes = () => +((Date.now() - began) / 60000).toFixed(2);
const samples = [];

/** browserd's allocator count (`/metrics`, refreshed after each trim), in KiB; null if absent. */
async function heapGauges() {
  try {
    const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(30000) })).text();
    const value = (name) => { const m = text.match(new RegExp(`^${name} (\\S+)$`, 'm')); return m ? Number(m[1]) : null; };
    const kib = (bytes) => (bytes === null ? null : Math.round(bytes / 1024));
    // The retirement counter appears with the first retirement.
    return { in_use: kib(value('browserd_heap_in_use_bytes')), free_held: kib(value('browserd_heap_free_held_bytes')), tasks: value('browserd_tasks_alive'), retired: value('browserd_browsers_retired_total') ?? 0 };
  } catch (e) {
    return { in_use: null, free_held: null, tasks: null, retired: null };
  }
}

async function sample() {
  const bs = browsers();
  const tree = bs.flatMap((b) => processTree(b));
  const health = (await call('/health')).json;
  const heap = await heapGauges();
  const views = await Promise.all(bs.map(devtools));
  const s = {
    minute: minutes(), load: loadAverage(),
    browserd_rss_kib: statusField(child.pid, 'VmRSS'), browserd_anon_kib: anonymous(child.pid), browserd_fds: fds(child.pid), browserd_threads: statusField(child.pid, 'Threads'),
    browserd_heap_in_use_kib: heap.in_use, browserd_heap_free_held_kib: heap.free_held, browserd_tasks: heap.tasks,
    browsers_retired: heap.retired,
    browsers: bs.length, browser_processes: tree.length,
    browser_rss_kib: tree.reduce((a, p) => a + statusField(p, 'VmRSS'), 0),
    browser_pss_kib: tree.reduce((a, p) => a + pss(p), 0),
    browser_fds: tree.reduce((a, p) => a + fds(p), 0),
    active_sessions: health.active_sessions ?? null,
    contexts: views.reduce((a, v) => a + (v?.contexts ?? 0), 0),
    targets: views.reduce((a, v) => a + (v?.targets ?? 0), 0),
    pages: views.reduce((a, v) => a + (v?.by_type?.page ?? 0), 0),
    pages_in_contexts: views.reduce((a, v) => a + (v?.pages_in_contexts ?? 0), 0),
    devtools_errors: views.filter((v) => !v || v.error).length,
  };
  // Contexts beyond the sessions and the warm ones each browser keeps: left behind.
  s.excess_contexts = s.contexts - (s.active_sessions ?? 0) - WARM * bs.length;
  samples.push(s);
  return s;
}

// ---------------------------------------------------------------- kills

const kills = [];
function kill(kind) {
  const pids = kind === 'browser' ? browsers() : renderers();
  if (!pids.length) return;
  const pid = pick(pids);
  try { process.kill(pid, 'SIGKILL'); kills.push({ kind, pid, at: Date.now(), minute: minutes() }); log(`killed ${kind} ${pid}`); } catch (e) { /* gone */ }
}

// ---------------------------------------------------------------- the sessions

/** What the responses reported, per session: to compare with the store at the end. */
const reported = new Map();
const counts = { cycles: 0, starts: 0, observes: 0, steps: 0, scrapes: 0, closes: 0 };
const failures = [];
const endAt = began + MINUTES * 60000;
let stopping = false;

// A failure is a kill's when a kill happened while the session lived or the call ran
// (or up to KILL_REACH_MS before: a page made ready ahead of a start can be on a renderer
// killed just before the session took it) and the failure says what a kill does: the
// page crashed, the browser is gone, or it stopped answering. Anything else is an error.
const KILL_REACH_MS = 10000;
const KILL_WORDS = /crash|went away|browser (process )?(died|exited|closed|is gone)|DevTools connection|receiver is gone|oneshot canceled|did not answer|being restarted|target closed/i;

function fail(session, op, response, callBegan) {
  const message = response.json?.error || response.json?.message || JSON.stringify(response.json).slice(0, 300);
  const since = Math.min(session?.startedAt ?? Infinity, callBegan ?? Infinity) - KILL_REACH_MS;
  const killed = kills.some((k) => k.at >= since) && KILL_WORDS.test(message);
  // Where it happened: the page and the action, so that a failure no kill explains can be
  // tried again by hand.
  failures.push({ minute: minutes(), op, status: response.status, session: session?.id, page: session?.page, action: session?.action, killed, message });
  if (!killed) log(`ERROR ${op} ${response.status} ${message}`);
}

async function cycle() {
  const startBegan = Date.now();
  const start = await call('/session/start', { keep_alive: true });
  if (start.status !== 200) { fail(null, 'start', start, startBegan); return; }
  counts.starts++;
  const page = pick(PAGES);
  const session = { id: start.json.session_id, startedAt: startBegan, steps: 0, ending: null, page, action: null };
  reported.set(session.id, session);
  const ops = [
    ['observe', () => call('/env/observe', { session_id: session.id, keep_alive: true, url: page }), 'observes'],
    ['step', async () => {
      const space = (await call('/env/observe', { session_id: session.id, keep_alive: true })).json?.space;
      const actions = (space?.actions || []).filter((a) => /^[LBI]\d+$/.test(a.id));
      if (!actions.length) return { status: 200, json: {}, skipped: true };
      const action = pick(actions);
      session.action = { id: action.id, description: action.description };
      const body = { session_id: session.id, keep_alive: true, action_id: action.id };
      if (action.id.startsWith('I')) body.value = 'soak';
      const r = await call('/env/step', body);
      if (r.status === 200) session.steps++;
      // A step refused for what the page is (a hidden or covered element, an option that
      // is not there) leaves the session as it was: the page's answer, not a failure.
      if (r.status === 400 || r.status === 409 || r.status === 422) { counts.refused = (counts.refused || 0) + 1; return { status: 200, json: r.json }; }
      return r;
    }, 'steps'],
    ['scrape', () => call('/env/scrape', { session_id: session.id, keep_alive: true }), 'scrapes'],
  ];
  for (const [op, run, counter] of ops) {
    const r = await run();
    if (r.status !== 200) { fail(session, op, r); break; }
    if (r.json?.session?.status && r.json.session.status !== 'active') { fail(session, op, { status: 200, json: { error: `session ${r.json.session.status}: ${r.json.session.error}` } }); break; }
    counts[counter]++;
  }
  const close = await call('/session/close', { session_id: session.id });
  if (close.status === 200) { counts.closes++; session.ending = close.json.status; } else fail(session, 'close', close);
  counts.cycles++;
}

async function worker() {
  while (!stopping && Date.now() < endAt) await cycle();
}

// ---------------------------------------------------------------- the run

log(`${MINUTES} min, ${WORKERS} sessions at a time, ${PAGES.length} pages; renderer killed every ${RENDERER_KILL_S} s, browser every ${BROWSER_KILL_S} s; browserd ${child.pid}, data ${dataDir}`);
process.on('SIGINT', () => { stopping = true; });
process.on('SIGTERM', () => { stopping = true; });
await sample();
const timers = [
  setInterval(() => kill('renderer'), RENDERER_KILL_S * 1000),
  setInterval(() => kill('browser'), BROWSER_KILL_S * 1000),
  setInterval(() => { sample().then((s) => { if (samples.length % 20 === 1) log(JSON.stringify(s)); }); }, SAMPLE_S * 1000),
];
await Promise.all(Array.from({ length: WORKERS }, worker));
timers.forEach(clearInterval);
const lastKill = kills.length ? kills[kills.length - 1].at : 0;

// After the last cycle: every session closed; what is left once browserd settled.
await sleep(Math.max(0, lastKill + 15000 - Date.now()));
await sleep(5000);
// A pool that grew during a burst of starts holds its ready contexts until it halves back
// to its floor, a quiet minute at a time (16 → 2 takes three): those are not left behind.
// Wait for it, within a bound; what is still there after it is.
const settleStart = Date.now();
let settled = await sample();
while ((settled.excess_contexts > 0 || settled.pages_in_contexts > WARM * settled.browsers) && Date.now() - settleStart < POOL_SETTLE_MS) {
  await sleep(5000);
  settled = await sample();
}
const settledAfterS = Math.round((Date.now() - settleStart) / 1000) + 5;
const ended = { browserd_rss_kib: settled.browserd_rss_kib, browserd_anon_kib: settled.browserd_anon_kib };
const list = (await call('/sessions?only_active=true&limit=100')).json;

// Stop browserd (SIGTERM, its ordinary stop), then read the store.
child.kill('SIGTERM');
await Promise.race([exited, sleep(30000).then(() => child.kill('SIGKILL'))]);
await exited;
site.close();
const dbPath = path.join(dataDir, 'browserd.sqlite3');
const query = (sql) => JSON.parse(execFileSync('python3', ['-c',
  'import json,sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True); print(json.dumps(c.execute(sys.argv[2]).fetchall()))',
  dbPath, sql]).toString());
const stored = new Map(query('select id, status, error from sessions').map(([id, status, error]) => [id, { status, error }]));
const storedSteps = new Map(query("select session_id, count(*) from steps where outcome = 'ok' group by session_id"));
const lost = { sessions: [], endings: [], steps: [] };
for (const s of reported.values()) {
  const row = stored.get(s.id);
  if (!row) { lost.sessions.push(s.id); continue; }
  if (s.ending && row.status !== s.ending) lost.endings.push({ id: s.id, reported: s.ending, stored: row.status });
  if ((storedSteps.get(s.id) || 0) < s.steps) lost.steps.push({ id: s.id, reported: s.steps, stored: storedSteps.get(s.id) || 0 });
}
const stillActive = [...stored.values()].filter((r) => r.status === 'active').length;

// ---------------------------------------------------------------- figures

/** Least-squares slope of y over x. */
/** The slope on `t` of `y` fitted on `x` and `t` together (rows [x, t, y]). */
function slopeBeside(rows) {
  const n = rows.length;
  if (n < 5) return null;
  const mean = (i) => rows.reduce((a, r) => a + r[i], 0) / n;
  const [mx, mt, my] = [mean(0), mean(1), mean(2)];
  const sum = (i, j, mi, mj) => rows.reduce((a, r) => a + (r[i] - mi) * (r[j] - mj), 0);
  const [sxx, stt, sxt, sxy, sty] = [sum(0, 0, mx, mx), sum(1, 1, mt, mt), sum(0, 1, mx, mt), sum(0, 2, mx, my), sum(1, 2, mt, my)];
  const det = sxx * stt - sxt * sxt;
  return det ? (sxx * sty - sxt * sxy) / det : null;
}
function slope(points) {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx ? points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / sxx : null;
}
// The first tenth (at most 5 minutes) is warm-up: pools fill, code pages come in.
const warm = Math.min(5, MINUTES / 10);
const steady = samples.filter((s) => s.minute >= warm && s.minute <= MINUTES);
const known = (key) => steady.filter((s) => typeof s[key] === 'number');
const mibPerHour = (key) => { const k = slope(known(key).map((s) => [s.minute / 60, s[key] / 1024])); return k === null ? null : +k.toFixed(1); };
const perHour = (key) => { const k = slope(known(key).map((s) => [s.minute / 60, s[key]])); return k === null ? null : +k.toFixed(1); };
const spanOf = (key) => { const k = known(key); return k.length ? { first: k[0][key], min: Math.min(...k.map((s) => s[key])), max: Math.max(...k.map((s) => s[key])), last: k.at(-1)[key] } : { first: null, min: null, max: null, last: null }; };
// The browser's memory restarts with every browser killed or retired: its slope within
// each life, too.
const lives = [];
for (const s of steady) {
  const previousKills = kills.filter((k) => k.kind === 'browser' && k.minute <= s.minute).length;
  (lives[previousKills + (s.browsers_retired ?? 0)] ||= []).push(s);
}
const lifeSlopes = lives.filter((l) => l && l.length >= 10).map((l) => +slope(l.map((s) => [s.minute / 60, s.browser_pss_kib / 1024])).toFixed(1));
// The tree's PSS follows the contexts open when it is sampled (13-15 MiB each): its slope
// beyond them is what the time adds.
const beside = slopeBeside(steady.map((s) => [s.contexts, s.minute / 60, s.browser_pss_kib / 1024]));
const retired = steady.length ? (steady.at(-1).browsers_retired ?? 0) : 0;
const errors = failures.filter((f) => !f.killed);
const logText = read(logFile) || '';
const logErrors = logText.split('\n').filter((l) => / ERROR /.test(l));
const leftover = {
  active_sessions: settled.active_sessions, contexts: settled.contexts, excess_contexts: settled.excess_contexts,
  pages: settled.pages, pages_in_contexts: settled.pages_in_contexts, targets: settled.targets,
  stored_active: stillActive, listed_active: Array.isArray(list) ? list.length : (list?.sessions?.length ?? null),
};
const result = {
  minutes: MINUTES, workers: WORKERS, renderer_kill_s: RENDERER_KILL_S, browser_kill_s: BROWSER_KILL_S, sample_s: SAMPLE_S,
  machine: describeMachine(CHROMIUM), browserd: BROWSERD, pages: PAGES.length,
  counts, kills: { renderer: kills.filter((k) => k.kind === 'renderer').length, browser: kills.filter((k) => k.kind === 'browser').length }, browsers_retired: retired,
  failures_of_killed_sessions: failures.length - errors.length, errors, log_error_lines: logErrors.length, log_error_examples: logErrors.slice(0, 10),
  records: { reported_sessions: reported.size, stored_sessions: stored.size, lost },
  slopes_per_hour: {
    browserd_rss_mib: mibPerHour('browserd_rss_kib'), browserd_anon_mib: mibPerHour('browserd_anon_kib'), browserd_heap_in_use_mib: mibPerHour('browserd_heap_in_use_kib'), browserd_heap_free_held_mib: mibPerHour('browserd_heap_free_held_kib'), browser_pss_mib: mibPerHour('browser_pss_kib'), browser_rss_mib: mibPerHour('browser_rss_kib'),
    browser_pss_mib_within_lives: lifeSlopes, browser_pss_mib_beyond_contexts: beside === null ? null : +beside.toFixed(1), browserd_fds: perHour('browserd_fds'), browserd_tasks: perHour('browserd_tasks'), browser_fds: perHour('browser_fds'), browserd_threads: perHour('browserd_threads'),
  },
  spans: { browserd_rss_kib: spanOf('browserd_rss_kib'), browserd_anon_kib: spanOf('browserd_anon_kib'), browserd_heap_in_use_kib: spanOf('browserd_heap_in_use_kib'), browserd_heap_free_held_kib: spanOf('browserd_heap_free_held_kib'), browserd_tasks: spanOf('browserd_tasks'), browser_pss_kib: spanOf('browser_pss_kib'), browserd_fds: spanOf('browserd_fds'), browser_fds: spanOf('browser_fds'), contexts: spanOf('contexts'), pages: spanOf('pages') },
  after_all_closed: { settled_after_s: settledAfterS, ...leftover, browserd_rss_kib: ended.browserd_rss_kib, browserd_anon_kib: ended.browserd_anon_kib, browser_pss_kib: settled.browser_pss_kib, browserd_fds: settled.browserd_fds, browserd_tasks: settled.browserd_tasks },
  samples, kill_log: kills.map(({ kind, minute }) => ({ kind, minute })), failures,
};
const out = saveResults('soak', result);
if (process.env.SOAK_KEEP_DATA !== '1') fs.rmSync(dataDir, { recursive: true, force: true });

const mib = (kib) => (kib / 1024).toFixed(0);
const mib1 = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : 'n/a');
const leak = leftover.active_sessions !== 0 || leftover.excess_contexts > 0 || leftover.pages_in_contexts > WARM * settled.browsers || leftover.stored_active !== 0;
const lostCount = lost.sessions.length + lost.endings.length + lost.steps.length;
console.log(`\nSoak: ${MINUTES} min, ${WORKERS} sessions at a time, ${counts.cycles} cycles (${counts.steps} steps, ${counts.scrapes} scrapes, ${counts.refused || 0} steps refused by their page)`);
console.log(`kills: ${result.kills.renderer} renderers, ${result.kills.browser} browsers; failures of killed sessions: ${result.failures_of_killed_sessions}; browsers retired: ${retired}`);
console.log('| figure | value |');
console.log('| --- | --- |');
console.log(`| errors not caused by a kill | ${errors.length} |`);
console.log(`| records lost (sessions / endings / steps) | ${lost.sessions.length} / ${lost.endings.length} / ${lost.steps.length} of ${reported.size} sessions |`);
console.log(`| browserd RSS, MiB (first / max / last of steady state) | ${mib(result.spans.browserd_rss_kib.first)} / ${mib(result.spans.browserd_rss_kib.max)} / ${mib(result.spans.browserd_rss_kib.last)} |`);
console.log(`| browserd RSS slope, MiB per hour | ${result.slopes_per_hour.browserd_rss_mib} |`);
console.log(`| browserd anonymous memory (its heap; RSS less the binary's pages), MiB (first / max / last); slope per hour | ${mib(result.spans.browserd_anon_kib.first)} / ${mib(result.spans.browserd_anon_kib.max)} / ${mib(result.spans.browserd_anon_kib.last)}; ${result.slopes_per_hour.browserd_anon_mib} |`);
console.log(`| of it, what the allocator counts in use (MiB, first / max / last; slope per hour) | ${mib1(result.spans.browserd_heap_in_use_kib.first)} / ${mib1(result.spans.browserd_heap_in_use_kib.max)} / ${mib1(result.spans.browserd_heap_in_use_kib.last)}; ${result.slopes_per_hour.browserd_heap_in_use_mib} |`);
console.log(`| and what it holds free but could not return (MiB, first / max / last; slope per hour) | ${mib1(result.spans.browserd_heap_free_held_kib.first)} / ${mib1(result.spans.browserd_heap_free_held_kib.max)} / ${mib1(result.spans.browserd_heap_free_held_kib.last)}; ${result.slopes_per_hour.browserd_heap_free_held_mib} |`);
console.log(`| browser tree PSS, MiB (first / max / last) | ${mib(result.spans.browser_pss_kib.first)} / ${mib(result.spans.browser_pss_kib.max)} / ${mib(result.spans.browser_pss_kib.last)} |`);
console.log(`| browser tree PSS slope, MiB per hour (whole run; within each browser's life; beyond its contexts) | ${result.slopes_per_hour.browser_pss_mib}; ${lifeSlopes.join(', ')}; ${result.slopes_per_hour.browser_pss_mib_beyond_contexts} |`);
console.log(`| tasks alive in browserd (first / max / last of steady state; after every session closed) | ${result.spans.browserd_tasks.first ?? 'n/a'} / ${result.spans.browserd_tasks.max ?? 'n/a'} / ${result.spans.browserd_tasks.last ?? 'n/a'}; ${settled.browserd_tasks ?? 'n/a'} |`);
console.log(`| file descriptors, browserd (first / max / last; slope per hour) | ${result.spans.browserd_fds.first} / ${result.spans.browserd_fds.max} / ${result.spans.browserd_fds.last}; ${result.slopes_per_hour.browserd_fds} |`);
console.log(`| file descriptors, browser tree (first / max / last; slope per hour) | ${result.spans.browser_fds.first} / ${result.spans.browser_fds.max} / ${result.spans.browser_fds.last}; ${result.slopes_per_hour.browser_fds} |`);
console.log(`| contexts beyond sessions + warm ones (max during the run) | ${Math.max(...samples.map((s) => s.excess_contexts))} |`);
console.log(`| after every session closed (${settledAfterS} s later): active sessions; contexts (warm floor: ${WARM * settled.browsers}); pages in them; all targets | ${leftover.active_sessions}; ${leftover.contexts}; ${leftover.pages_in_contexts}; ${leftover.targets} |`);
console.log(`| sessions still \`active\` in the store after the stop | ${stillActive} |`);
console.log(`| browserd log lines at ERROR | ${logErrors.length} |`);
console.log('raw figures:', out);
process.exit(errors.length || lostCount || leak ? 1 : 0);
