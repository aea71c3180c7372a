// `make bench`: browserd beside the tool a user would pick instead, on the same machine,
// in the same run, with the same Chromium binary and flags. Prints one table (browserd,
// peer, ratio, the machine's load beside each figure) and writes every raw figure to
// bench/results/<time>.json. See bench/README.md for what each figure measures.
//
// Environment: BENCH_QUICK=1 (few iterations, for developing), BENCH_ONLY=memory,start,
// pages,load,scrape,diff (a subset), BENCH_PAGES=substring (some pages only), BENCH_CHROMIUM=path
// (another Chromium build for both sides, e.g. /usr/lib/chromium/chromium; default: the
// headless shell, browserd's default and Playwright's for headless).
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { get_encoding } from 'tiktoken';
import { serve } from './perception/serve.mjs';
import { coverage, parseAria, expectedItems, actionWords, words, FAMILY } from './perception/coverage.mjs';
import { describeMachine, startMonitor, pssTreeKiB, childrenRunning, commandLine } from './machine.mjs';
import { diffTokens } from './diff_tokens.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.join(HERE, '..');
const SHARED = path.join(ROOT, '../shared/bench');
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/lib/chromium/chromium-headless-shell';
const BROWSERD = process.env.BENCH_BROWSERD || path.join(ROOT, 'target/release/browserd');
const SCRAPE_BENCH = path.join(ROOT, 'target/release/examples/scrape_bench');
const PYTHON = path.join(HERE, '.venv/bin/python');
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';
const KEY = 'bench-key';
const VIEWPORT = { width: 1280, height: 800 }; // browserd's window size
const ALL = 10000; // max_nb_actions that lists everything, as Playwright's snapshot does

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = (process.env.BENCH_ONLY || 'memory,start,pages,load,diff,scrape').split(',');
const PAGE_FILTER = process.env.BENCH_PAGES || '';
const N = QUICK
  ? { startRounds: 2, startPerRound: 5, runs: 1, again: 2, steps: 2, memory: [5, 10], memoryRepeats: 1, load: [2, 8], loadSeconds: 6, scrapeRounds: 1, scrapePasses: 1, ourScrapePasses: 3 }
  : { startRounds: 10, startPerRound: 20, runs: 3, again: 3, steps: 3, memory: [10, 50, 100], memoryRepeats: 2, load: [2, 8, 32, 100], loadSeconds: 30, scrapeRounds: 3, scrapePasses: 3, ourScrapePasses: 10 };
const MACHINE = describeMachine(CHROMIUM);
// A figure is disturbed when processes other than this bench used more than this many
// cores on average while it was measured, or when its runs disagree by more than SPREAD.
const OTHER_CORES_LIMIT = +(process.env.BENCH_OTHER_CORES || 0.25 * MACHINE.nproc);
const SPREAD_LIMIT = +(process.env.BENCH_SPREAD || 1.5);

const enc = get_encoding('o200k_base');
const tokens = (text) => enc.encode(text || '').length;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => performance.now();
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => { const s = sorted(xs); const n = s.length; return n ? (n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN; };
const percentile = (xs, p) => { const s = sorted(xs); return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN; };
const spread = (xs) => { const v = xs.filter((x) => Number.isFinite(x) && x > 0); return v.length > 1 ? Math.max(...v) / Math.min(...v) : 1; };
const log = (...a) => console.error('[bench]', ...a);
const withoutHash = (url) => (url || '').replace(/#.*$/, '');

// ---------------------------------------------------------------- the two sides

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

const cleanups = new Set();

async function startBrowserd() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-bench-'));
  const child = spawn(BROWSERD, ['serve'], {
    env: {
      ...process.env, BROWSERD_ADDR: `127.0.0.1:${port}`, BROWSERD_DATA_DIR: dataDir, BROWSERD_API_KEYS: KEY,
      BROWSERD_CHROMIUM: CHROMIUM, BROWSERD_CHROMIUM_ARGS: HOST_RULES, BROWSERD_MAX_SESSIONS: '200',
      BROWSERD_ALLOW_PRIVATE_NETWORK: process.env.BROWSERD_ALLOW_PRIVATE_NETWORK ?? 'all', RUST_LOG: 'warn,chromiumoxide=off',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    cleanups.delete(stop);
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => true), sleep(15000).then(() => false)]) === false) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(stop);
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/health`)).ok) break; } catch (e) { /* not listening yet */ }
    if (i > 300 || child.exitCode !== null) { await stop(); throw new Error(`browserd did not start: ${stderr}`); }
    await sleep(100);
  }
  let chromiumPid;
  for (let i = 0; i < 100 && !chromiumPid; i++) { chromiumPid = childrenRunning(child.pid, CHROMIUM)[0]; if (!chromiumPid) await sleep(100); }
  if (!chromiumPid) { await stop(); throw new Error('browserd runs no Chromium'); }
  async function post(route, body) {
    const began = now();
    const response = await fetch(base + route, {
      method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const json = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, json, ms: now() - began };
  }
  return { base, pid: child.pid, chromiumPid, post, stop, stderr: () => stderr };
}

/** The flags browserd runs its Chromium with, less what ties a process to its driver. */
function browserdFlags(chromiumPid) {
  return commandLine(chromiumPid).slice(1)
    // Its egress proxy lives and dies with browserd: the peer connects directly.
    .filter((a) => a.startsWith('--') && !/^--(remote-debugging-|user-data-dir|proxy-server|proxy-bypass-list)/.test(a));
}

async function launchPeer(options) {
  const before = new Set(childrenRunning(process.pid, CHROMIUM));
  const browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 60000, ...options });
  const pid = childrenRunning(process.pid, CHROMIUM).find((p) => !before.has(p));
  const close = async () => {
    cleanups.delete(close);
    await browser.close().catch(() => {});
    try { process.kill(pid, 'SIGKILL'); } catch (e) { /* gone */ }
  };
  cleanups.add(close);
  return { browser, pid, close, flags: commandLine(pid).slice(1) };
}

/**
 * Playwright as shipped (its own defaults + the host rules both sides get), and Playwright
 * with browserd's flags added, its feature switches merged with browserd's: the same
 * browser, configured the same way, for every figure but the "stock flags" memory row.
 */
async function peerOptions(flags) {
  const stock = await launchPeer({ args: [HOST_RULES] });
  const stockFlags = stock.flags;
  await stock.close();
  const stockDisabled = stockFlags.find((a) => a.startsWith('--disable-features=')) || '';
  const ours = flags.find((a) => a.startsWith('--disable-features=')) || '';
  const features = new Set([...stockDisabled.slice(19).split(','), ...ours.slice(19).split(',')].filter(Boolean));
  const args = [...flags.filter((a) => !a.startsWith('--disable-features=')), `--disable-features=${[...features].join(',')}`];
  return { stock: { args: [HOST_RULES] }, same: { args, ignoreDefaultArgs: stockDisabled ? [stockDisabled] : [] }, stockFlags };
}

async function ariaSnapshot(page) {
  try { return await page.ariaSnapshot({ mode: 'ai' }); } catch (e) { return page.locator('body').ariaSnapshot({ mode: 'ai' }); }
}

// ---------------------------------------------------------------- figures

const figures = [];
const raw = {};

function judge(figure) {
  const reasons = [];
  const m = figure.monitor;
  // memory is not a timing: only its repeats' disagreement disturbs it
  if (m && figure.unit !== 'MiB' && m.other_cores > OTHER_CORES_LIMIT) reasons.push(`others used ${m.other_cores} cores`);
  for (const [side, s] of Object.entries(figure.spread || {})) if (s > SPREAD_LIMIT) reasons.push(`${side} runs disagree ×${s.toFixed(2)}`);
  figure.disturbed = reasons.length > 0;
  figure.reasons = reasons;
  figures.push(figure);
}

async function figureMemory(flags, peers) {
  const result = { browserd: {}, peer: {}, peer_stock: {} };
  const monitor = startMonitor();
  for (let repeat = 0; repeat < N.memoryRepeats; repeat++) {
    const sides = ['browserd', 'peer', 'peer_stock'];
    if (repeat % 2) sides.reverse();
    for (const side of sides) {
      let pid, open, close;
      if (side === 'browserd') {
        const b = await startBrowserd();
        pid = b.chromiumPid;
        open = async () => { const r = await b.post('/session/start', { keep_alive: true, session_timeout_minutes: 30 }); if (!r.ok) throw new Error(`start: ${r.status} ${JSON.stringify(r.json)}`); };
        close = b.stop;
      } else {
        const p = await launchPeer(side === 'peer' ? peers.same : peers.stock);
        pid = p.pid;
        open = async () => { const context = await p.browser.newContext({ viewport: VIEWPORT }); await context.newPage(); };
        close = p.close;
      }
      await sleep(2000);
      const baseline = pssTreeKiB(pid);
      let count = 0;
      for (const target of N.memory) {
        while (count < target) { await open(); count++; await sleep(50); }
        await sleep(3000);
        const pss = pssTreeKiB(pid);
        (result[side][target] ||= []).push({ baseline_kib: baseline, total_kib: pss, per_session_mib: (pss - baseline) / 1024 / target });
        log(`memory ${side} at ${target}: ${((pss - baseline) / 1024 / target).toFixed(1)} MiB per session`);
      }
      await close();
    }
  }
  const m = monitor();
  raw.memory = result;
  for (const target of N.memory) {
    const per = (side) => median(result[side][target].map((x) => x.per_session_mib));
    const spreadOf = (side) => spread(result[side][target].map((x) => x.per_session_mib));
    judge({ id: `memory_${target}`, label: `memory per idle session at ${target} sessions (PSS of the browser tree)`, unit: 'MiB', browserd: per('browserd'), peer: per('peer'), monitor: m, spread: { browserd: spreadOf('browserd'), peer: spreadOf('peer') } });
  }
  const last = N.memory[N.memory.length - 1];
  judge({ id: `memory_${last}_stock`, label: `  same, Playwright with its stock flags (no omnibox switches)`, unit: 'MiB', browserd: median(result.browserd[last].map((x) => x.per_session_mib)), peer: median(result.peer_stock[last].map((x) => x.per_session_mib)), monitor: m, spread: { peer: spread(result.peer_stock[last].map((x) => x.per_session_mib)) } });
}

async function figureStart(b, peer) {
  const once = {
    browserd: async () => {
      const r = await b.post('/session/start', {});
      if (!r.ok) throw new Error(`start: ${r.status} ${JSON.stringify(r.json)}`);
      await b.post('/session/close', { session_id: r.json.session_id });
      return r.ms;
    },
    peer: async () => {
      const began = now();
      const context = await peer.browser.newContext({ viewport: VIEWPORT });
      await context.newPage();
      const ms = now() - began;
      await context.close();
      return ms;
    },
  };
  raw.start = {};
  for (const [mode, pause] of [['paced 100 ms', 100], ['back to back', 0]]) {
    for (const side of ['browserd', 'peer']) for (let i = 0; i < 5; i++) { await once[side](); await sleep(pause); } // warm-up
    const samples = { browserd: [], peer: [] };
    const rounds = { browserd: [], peer: [] };
    const monitor = startMonitor();
    for (let round = 0; round < N.startRounds; round++) {
      const sides = round % 2 ? ['peer', 'browserd'] : ['browserd', 'peer'];
      for (const side of sides) {
        const times = [];
        for (let i = 0; i < N.startPerRound; i++) { times.push(await once[side]()); await sleep(pause); }
        samples[side].push(...times);
        rounds[side].push(median(times));
      }
    }
    const m = monitor();
    raw.start[mode] = { samples, round_medians: rounds, monitor: m };
    const n = samples.browserd.length;
    const label = `session start, ${mode}, over HTTP (peer: newContext + newPage), n=${n}`;
    judge({ id: `start_${mode}_p50`, label: `${label}: p50`, unit: 'ms', browserd: percentile(samples.browserd, 0.5), peer: percentile(samples.peer, 0.5), monitor: m, spread: { browserd: spread(rounds.browserd), peer: spread(rounds.peer) } });
    // a p95 of 20 per round is one sample: the rounds' spread says nothing of it
    judge({ id: `start_${mode}_p95`, label: `${label}: p95`, unit: 'ms', browserd: percentile(samples.browserd, 0.95), peer: percentile(samples.peer, 0.95), monitor: m });
    log(`start ${mode}: browserd p50 ${percentile(samples.browserd, 0.5).toFixed(1)} p95 ${percentile(samples.browserd, 0.95).toFixed(1)}; peer p50 ${percentile(samples.peer, 0.5).toFixed(1)} p95 ${percentile(samples.peer, 0.95).toFixed(1)}`);
  }
}

/** Elements both sides list, unique by role and name, that a click may leave on the page: in-page anchors first. */
function stepCandidates(ariaText, actions) {
  const items = expectedItems(parseAria(ariaText)).filter((x) => x.ref && words(x.name).length && x.role !== 'option');
  const id = (family, w) => family + ':' + w.join(' ');
  const count = new Map();
  for (const x of items) { const k = id(FAMILY[x.role], words(x.name)); count.set(k, (count.get(k) || 0) + 1); }
  const ours = new Map();
  for (const a of actions) { const k = id(a.id[0], actionWords(a.description)); ours.set(k, (ours.get(k) || 0) + 1); }
  const rank = (x) => (x.role === 'link' && /^#./.test(x.url || '') ? 0 : x.role === 'link' && /^(#|javascript:)/.test(x.url || '') ? 1 : x.role === 'button' ? 2 : 9);
  return items
    .filter((x) => rank(x) < 9 && count.get(id(FAMILY[x.role], words(x.name))) === 1 && ours.get(id(FAMILY[x.role], words(x.name))) === 1)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, 6)
    .map((x) => ({ role: x.role, name: x.name, family: FAMILY[x.role], key: id(FAMILY[x.role], words(x.name)) }));
}
const refOf = (ariaText, target) => expectedItems(parseAria(ariaText)).find((x) => x.ref && FAMILY[x.role] === target.family && x.role === target.role && words(x.name).join(' ') === target.key.slice(2))?.ref;
const actionOf = (actions, target) => actions.find((a) => a.id[0] === target.family && `${a.id[0]}:${actionWords(a.description).join(' ')}` === target.key)?.id;

async function figurePages(b, peer, site) {
  let names = fs.readdirSync(path.join(SHARED, 'pages')).filter((f) => f.endsWith('.html') && f.includes(PAGE_FILTER)).sort();
  const perPage = Object.fromEntries(names.map((n) => [n, { browserd: { nav: [], first: [], again: [], step: [] }, peer: { nav: [], first: [], again: [], step: [] }, errors: [] }]));
  const monitors = { observe: [], step: [] };
  const runMedians = { first: { browserd: [], peer: [] }, again: { browserd: [], peer: [] }, step: { browserd: [], peer: [] } };
  const targets = {};
  for (let run = -1; run < N.runs; run++) {
    const warmUp = run < 0;
    const started = await b.post('/session/start', { keep_alive: true, session_timeout_minutes: 30 });
    const session = started.json.session_id;
    const context = await peer.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const monitor = startMonitor();
    const runFirst = { browserd: [], peer: [] }, runAgain = { browserd: [], peer: [] }, runStep = { browserd: [], peer: [] };
    for (const [index, name] of (warmUp ? names.slice(0, 3) : names).entries()) {
      const url = `${site}/bench/${name}`;
      const record = perPage[name];
      const sides = (run + index) % 2 ? ['peer', 'browserd'] : ['browserd', 'peer'];
      let lastObservation = null, lastSnapshot = '';
      const got = { browserd: null, peer: null };
      for (const side of sides) {
        try {
          if (side === 'browserd') {
            const nav = await b.post('/env/observe', { session_id: session, keep_alive: true, url, max_nb_actions: ALL });
            if (!nav.ok) throw new Error(`observe ${nav.status}: ${JSON.stringify(nav.json).slice(0, 200)}`);
            const first = await b.post('/env/observe', { session_id: session, keep_alive: true, max_nb_actions: ALL });
            const again = [];
            for (let i = 0; i < N.again; i++) { lastObservation = await b.post('/env/observe', { session_id: session, keep_alive: true, max_nb_actions: ALL }); again.push(lastObservation.ms); }
            if (!first.ok || !lastObservation.ok) throw new Error(`observe ${lastObservation.status}`);
            got.browserd = { nav: nav.ms, first: first.ms, again: median(again) };
          } else {
            let began = now();
            await page.goto(url, { waitUntil: 'load', timeout: 30000 });
            const goto = now() - began;
            began = now();
            await ariaSnapshot(page);
            const first = now() - began;
            const again = [];
            for (let i = 0; i < N.again; i++) { began = now(); lastSnapshot = await ariaSnapshot(page); again.push(now() - began); }
            got.peer = { nav: goto + first, first, again: median(again) };
          }
        } catch (e) {
          record.errors.push(`${side} run ${run}: ${e.message.split('\n')[0]}`);
        }
      }
      if (warmUp) continue;
      if (got.browserd && got.peer) {
        for (const side of ['browserd', 'peer']) {
          for (const k of ['nav', 'first', 'again']) record[side][k].push(got[side][k]);
          runFirst[side].push(got[side].first);
          runAgain[side].push(got[side].again);
        }
      }
      if (run === 0 && got.browserd && got.peer) {
        const actions = lastObservation.json.space.actions.map((a) => ({ id: a.id, description: a.description, values: a.params?.[0]?.values || [] }));
        const capped = await b.post('/env/observe', { session_id: session, keep_alive: true });
        const cappedActions = (capped.json.space?.actions || []).map((a) => ({ id: a.id, description: a.description, values: a.params?.[0]?.values || [] }));
        const full = coverage(lastSnapshot, actions);
        const at100 = coverage(lastSnapshot, cappedActions);
        Object.assign(record, {
          tokens: { browserd: tokens(lastObservation.json.space.markdown), browserd_at_100: tokens(capped.json.space?.markdown), peer: tokens(lastSnapshot) },
          bytes: { browserd: Buffer.byteLength(lastObservation.json.space.markdown), peer: Buffer.byteLength(lastSnapshot) },
          actions: actions.length,
          coverage: { expected: full.expected, listed: full.listed, share: full.share, unnamed: full.unnamed, misses: full.misses, at_100: at100.share },
        });
        targets[name] = await chooseStepTarget(b, session, page, url, lastSnapshot, actions, record);
        lastObservation = null; // the preflight moved on; refresh before stepping
      }
      const target = targets[name];
      if (!target || !got.browserd || !got.peer) continue;
      // click + fresh observation, back to back on the same element
      const stepped = { browserd: [], peer: [] };
      try {
        let observation = (await b.post('/env/observe', { session_id: session, keep_alive: true, max_nb_actions: ALL })).json;
        let snapshot = await ariaSnapshot(page);
        for (let k = 0; k < N.steps; k++) {
          for (const side of sides) {
            if (side === 'browserd') {
              const id = actionOf(observation.space.actions, target);
              if (!id) throw new Error(`browserd no longer lists ${target.key}`);
              const r = await b.post('/env/step', { session_id: session, keep_alive: true, action_id: id, max_nb_actions: ALL });
              if (!r.ok) throw new Error(`step ${r.status}: ${JSON.stringify(r.json).slice(0, 200)}`);
              observation = r.json;
              stepped.browserd.push(r.ms);
            } else {
              const ref = refOf(snapshot, target);
              if (!ref) throw new Error(`Playwright no longer lists ${target.key}`);
              const began = now();
              await page.locator(`aria-ref=${ref}`).click({ timeout: 10000 });
              snapshot = await ariaSnapshot(page);
              stepped.peer.push(now() - began);
            }
          }
        }
        for (const side of ['browserd', 'peer']) { record[side].step.push(median(stepped[side])); runStep[side].push(median(stepped[side])); }
      } catch (e) {
        record.errors.push(`step run ${run}: ${e.message.split('\n')[0]}`);
      }
    }
    const m = monitor();
    if (!warmUp) {
      monitors.observe.push(m);
      for (const side of ['browserd', 'peer']) {
        runMedians.first[side].push(median(runFirst[side]));
        runMedians.again[side].push(median(runAgain[side]));
        runMedians.step[side].push(median(runStep[side]));
      }
    }
    await b.post('/session/close', { session_id: session });
    await context.close();
    log(`pages run ${run}${warmUp ? ' (warm-up)' : ''}: ${m.seconds} s, others ${m.other_cores} cores`);
  }
  raw.pages = { per_page: perPage, run_medians: runMedians, monitors };
  const monitor = mergeMonitors(monitors.observe);
  const real = names.filter((n) => !n.startsWith('zz-') && perPage[n].browserd.first.length);
  const pageMedian = (list, side, k) => median(list.map((n) => median(perPage[n][side][k])).filter(Number.isFinite));
  const n = real.length;
  for (const [k, label] of [['first', 'observe, page loaded, first'], ['again', 'observe, page loaded, again'], ['nav', 'navigate + observe (peer: goto until load + first snapshot)']]) {
    judge({ id: `observe_${k}`, label: `${label}, median of ${n} real pages (peer: ariaSnapshot ai)`, unit: 'ms', browserd: pageMedian(real, 'browserd', k), peer: pageMedian(real, 'peer', k), monitor, spread: runMedians[k] ? { browserd: spread(runMedians[k].browserd), peer: spread(runMedians[k].peer) } : undefined });
  }
  const synthetic = names.filter((x) => x.startsWith('zz-') && perPage[x].browserd.first.length);
  for (const s of synthetic) {
    judge({ id: 'observe_synthetic_first', label: `observe, first, on ${s} (2,000 links, 200 fields)`, unit: 'ms', browserd: median(perPage[s].browserd.first), peer: median(perPage[s].peer.first), monitor });
  }
  // a page whose snapshot holds no element the peer can act on did not render for it (heise.de
  // shows itself by a timer after load): its tokens and coverage compare nothing
  const withTokens = real.filter((x) => perPage[x].tokens && perPage[x].coverage.expected + perPage[x].coverage.unnamed > 0);
  judge({ id: 'tokens', label: `tokens the agent reads (o200k), median of the ${withTokens.length} pages that render for the peer (space.markdown vs snapshot)`, unit: 'tokens', browserd: median(withTokens.map((x) => perPage[x].tokens.browserd)), peer: median(withTokens.map((x) => perPage[x].tokens.peer)), ratioMedian: median(withTokens.map((x) => perPage[x].tokens.browserd / perPage[x].tokens.peer)) });
  judge({ id: 'tokens_at_100', label: `  same at the API's default max_nb_actions=100`, unit: 'tokens', browserd: median(withTokens.map((x) => perPage[x].tokens.browserd_at_100)), peer: median(withTokens.map((x) => perPage[x].tokens.peer)), ratioMedian: median(withTokens.map((x) => perPage[x].tokens.browserd_at_100 / perPage[x].tokens.peer)) });
  const covered = withTokens.filter((x) => perPage[x].coverage.expected > 0);
  const unnamed = covered.reduce((a, x) => a + perPage[x].coverage.unnamed, 0);
  const pooled = covered.reduce((a, x) => a + perPage[x].coverage.listed, 0) / Math.max(1, covered.reduce((a, x) => a + perPage[x].coverage.expected, 0));
  judge({ id: 'coverage', label: `coverage of the peer's interactive elements, median of ${covered.length} pages (pooled ${(pooled * 100).toFixed(1)} %, min ${(Math.min(...covered.map((x) => perPage[x].coverage.share)) * 100).toFixed(1)} %; ${unnamed} unnamed elements apart)`, unit: '%', browserd: 100 * median(covered.map((x) => perPage[x].coverage.share)), peer: 100 });
  judge({ id: 'coverage_at_100', label: `  same at max_nb_actions=100`, unit: '%', browserd: 100 * median(covered.map((x) => perPage[x].coverage.at_100)), peer: 100 });
  const stepped = real.filter((x) => perPage[x].browserd.step.length);
  judge({ id: 'step', label: `click + fresh observation, median of ${stepped.length} pages (peer: click on the ref + ariaSnapshot)`, unit: 'ms', browserd: pageMedian(stepped, 'browserd', 'step'), peer: pageMedian(stepped, 'peer', 'step'), monitor, spread: { browserd: spread(runMedians.step.browserd), peer: spread(runMedians.step.peer) } });
  raw.pages.step_targets = targets;
}

/** Tokens an agent reads over a scripted 10-step task per bench page, whole vs `diff: true`. */
async function figureDiffTokens(b, site) {
  const names = fs.readdirSync(path.join(SHARED, 'pages')).filter((f) => f.endsWith('.html') && !f.startsWith('zz-') && f.includes(PAGE_FILTER)).sort();
  const result = await diffTokens(b, site, names, tokens, log);
  raw.diff_tokens = result;
  judge({ id: 'tokens_10_steps', label: `tokens an agent reads over a scripted 10-step task, summed over ${result.pages} pages: with \`diff: true\` (peer column: whole observations; bench/diff_tokens.mjs)`, unit: 'tokens', browserd: result.diff, peer: result.full });
}

function mergeMonitors(list) {
  if (!list.length) return undefined;
  const seconds = list.reduce((a, m) => a + m.seconds, 0);
  const weighted = (k) => +(list.reduce((a, m) => a + m[k] * m.seconds, 0) / seconds).toFixed(2);
  return { seconds: +seconds.toFixed(1), load_before: list[0].load_before, load_after: list[list.length - 1].load_after, own_cores: weighted('own_cores'), other_cores: weighted('other_cores') };
}

/** Tries the candidates on both sides (untimed, also the step's warm-up): the first that both click and stay on the page. */
async function chooseStepTarget(b, session, page, url, snapshot, actions, record) {
  for (const target of stepCandidates(snapshot, actions)) {
    try {
      const ref = refOf(await ariaSnapshot(page), target);
      const pagesBefore = page.context().pages().length;
      await page.locator(`aria-ref=${ref}`).click({ timeout: 3000 });
      await sleep(300);
      const peerStayed = withoutHash(page.url()) === withoutHash(url) && page.context().pages().length === pagesBefore;
      const observation = await b.post('/env/observe', { session_id: session, keep_alive: true, max_nb_actions: ALL });
      const id = actionOf(observation.json.space.actions, target);
      const stepped = id && (await b.post('/env/step', { session_id: session, keep_alive: true, action_id: id, max_nb_actions: ALL }));
      const browserdStayed = stepped && stepped.ok && withoutHash(stepped.json.metadata?.url) === withoutHash(url);
      if (peerStayed && browserdStayed) return target;
      record.errors.push(`step target ${target.key} left the page or failed (peer ${peerStayed}, browserd ${browserdStayed && stepped.status})`);
    } catch (e) {
      record.errors.push(`step target ${target.key}: ${e.message.split('\n')[0]}`);
    }
    await page.goto(url, { waitUntil: 'load', timeout: 30000 }).catch(() => {});
    await b.post('/env/observe', { session_id: session, keep_alive: true, url, max_nb_actions: ALL });
  }
  return null;
}

async function figureLoad(b, site) {
  raw.load = {};
  for (const sessions of N.load) {
    const ids = [];
    for (let i = 0; i < sessions; i++) {
      const r = await b.post('/session/start', { keep_alive: true, session_timeout_minutes: 30 });
      if (!r.ok) throw new Error(`start: ${r.status} ${JSON.stringify(r.json)}`);
      ids.push(r.json.session_id);
    }
    const buttons = await Promise.all(ids.map(async (id) => {
      const r = await b.post('/env/observe', { session_id: id, keep_alive: true, url: `${site}/site/actions.html` });
      return r.json.space?.actions.find((a) => a.description.includes('Change text'))?.id;
    }));
    if (buttons.some((x) => !x)) throw new Error('the Change text button of actions.html is missing');
    const latencies = { observe: [], step: [] };
    let errors = 0;
    const windows = [0, 0, 0];
    const monitor = startMonitor();
    const began = now();
    const end = began + N.loadSeconds * 1000;
    await Promise.all(ids.map(async (id, i) => {
      while (now() < end) {
        for (const [kind, route, body] of [['observe', '/env/observe', { session_id: id, keep_alive: true }], ['step', '/env/step', { session_id: id, keep_alive: true, action_id: buttons[i] }]]) {
          const r = await b.post(route, body);
          if (!r.ok) { errors++; continue; }
          latencies[kind].push(r.ms);
          windows[Math.min(2, Math.floor((now() - began) / (N.loadSeconds * 1000 / 3)))]++;
        }
      }
    }));
    const seconds = (now() - began) / 1000;
    const m = monitor();
    await Promise.all(ids.map((id) => b.post('/session/close', { session_id: id })));
    const all = [...latencies.observe, ...latencies.step];
    raw.load[sessions] = { seconds, ops: all.length, errors, windows, p50: { observe: percentile(latencies.observe, 0.5), step: percentile(latencies.step, 0.5) }, p95: { observe: percentile(latencies.observe, 0.95), step: percentile(latencies.step, 0.95), all: percentile(all, 0.95) }, monitor: m };
    log(`load ${sessions}: ${(all.length / seconds).toFixed(1)} ops/s, p95 ${percentile(all, 0.95).toFixed(0)} ms, errors ${errors}`);
    judge({ id: `load_${sessions}`, label: `parallel load, ${sessions} sessions looping observe + step on actions.html for ${N.loadSeconds} s: throughput, p95 (${errors} errors)`, unit: 'load', browserd: all.length / seconds, p95: percentile(all, 0.95), peer: null, monitor: m, spread: { browserd: spread(windows) } });
  }
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(command)} exited ${code}: ${err.slice(-1000)}`))));
  });
}

// The two corpora of the scrape figures: the 2019 news articles, and web-2026's pages of
// every kind (articles, forums, products, services, docs, listings, collections), which
// `scrape_eval.py` also scores per kind and for near-empty extractions.
const SCRAPE_CORPORA = [
  { name: 'article-extraction', label: 'articles 2019', peerPasses: () => N.scrapePasses, kinds: false },
  // trafilatura takes ~25 s a pass over web-2026 on this machine: one timed pass per round.
  { name: 'web-2026', label: 'web-2026', peerPasses: () => 1, kinds: true },
];

async function figureScrape() {
  raw.scrape = {};
  for (const corpus of SCRAPE_CORPORA) await figureScrapeOn(corpus);
}

async function figureScrapeOn(corpus) {
  const bench = path.join(SHARED, corpus.name);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'browserd-bench-scrape-'));
  const sides = {
    browserd: (dir) => run(SCRAPE_BENCH, [bench, dir, '--passes', String(N.ourScrapePasses), '--json']),
    peer: (dir) => run(PYTHON, [path.join(HERE, 'trafilatura_bench.py'), bench, dir, '--passes', String(corpus.peerPasses())]),
  };
  const rounds = { browserd: [], peer: [] };
  const monitor = startMonitor();
  for (let round = 0; round < N.scrapeRounds; round++) {
    for (const side of round % 2 ? ['peer', 'browserd'] : ['browserd', 'peer']) {
      const text = await sides[side](path.join(out, side));
      rounds[side].push(JSON.parse(text.trim().split('\n').pop()));
      log(`scrape ${corpus.name} ${side} round ${round}: ${rounds[side][round].cpu_pages_per_s.toFixed(1)} pages/s (CPU)`);
    }
  }
  const m = monitor();
  const f1 = {};
  for (const side of ['browserd', 'peer']) {
    const json = path.join(out, `${side}.json`);
    await run('python3', [path.join(SHARED, 'eval_extraction.py'), path.join(out, side), '--gt', path.join(bench, 'ground-truth.json'), '--n-bootstrap', '1', '--json-out', json]);
    f1[side] = JSON.parse(fs.readFileSync(json, 'utf8'));
  }
  let kinds = null;
  if (corpus.kinds) {
    const json = path.join(out, 'kinds.json');
    await run('python3', [path.join(HERE, 'scrape_eval.py'), path.join(out, 'browserd'), path.join(out, 'peer'), '--names', 'browserd,peer', '--gt', path.join(bench, 'ground-truth.json'), '--json-out', json]);
    kinds = JSON.parse(fs.readFileSync(json, 'utf8'));
  }
  fs.rmSync(out, { recursive: true, force: true });
  const score = (side, k) => { const x = Object.values(f1[side])[0]; const v = x?.[k] ?? x?.metrics?.[k]; return typeof v === 'object' ? v.mean ?? v.value : v; };
  raw.scrape[corpus.name] = { rounds, eval: f1, kinds, monitor: m };
  judge({ id: `scrape_f1_${corpus.name}`, label: `main-content extraction F1, ${corpus.label}, ${rounds.browserd[0].pages} pages (P / R: browserd ${score('browserd', 'precision')?.toFixed(3)} / ${score('browserd', 'recall')?.toFixed(3)}, peer ${score('peer', 'precision')?.toFixed(3)} / ${score('peer', 'recall')?.toFixed(3)})`, unit: 'F1', browserd: score('browserd', 'f1'), peer: score('peer', 'f1') });
  if (kinds) {
    for (const [kind, b] of Object.entries(kinds.browserd.all.kinds)) {
      judge({ id: `scrape_f1_${corpus.name}_${kind}`, label: `  same, ${kind} pages (${b.pages})`, unit: 'F1', browserd: b.f1, peer: kinds.peer.all.kinds[kind]?.f1 });
    }
    judge({ id: `scrape_near_empty_${corpus.name}`, label: `  same, near-empty extractions (under 10 % of the truth's words; fewer is better)`, unit: 'count', browserd: kinds.browserd.all.modes['near-empty'], peer: kinds.peer.all.modes['near-empty'] });
  }
  for (const k of ['cpu', 'wall']) {
    const speed = (side) => median(rounds[side].map((r) => r[`${k}_pages_per_s`]));
    judge({ id: `scrape_speed_${corpus.name}_${k}`, label: `extraction speed, ${corpus.label}, one thread, by ${k === 'cpu' ? 'CPU time' : 'wall clock'} (peer: ${rounds.peer[0].extractor})`, unit: 'pages/s', browserd: speed('browserd'), peer: speed('peer'), monitor: m, spread: { browserd: spread(rounds.browserd.map((r) => r[`${k}_pages_per_s`])), peer: spread(rounds.peer.map((r) => r[`${k}_pages_per_s`])) } });
  }
}

// ---------------------------------------------------------------- the table

function show(value, unit, extra) {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return 'n/a';
  const fixed = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
  switch (unit) {
    case 'ms': return `${fixed(value)} ms`;
    case 'MiB': return `${value.toFixed(1)} MiB`;
    case 'tokens': return `${Math.round(value).toLocaleString('en')}`;
    case '%': return `${value.toFixed(1)} %`;
    case 'F1': return value.toFixed(3);
    case 'pages/s': return `${fixed(value)} pages/s`;
    case 'count': return String(value);
    case 'load': return `${fixed(value)} ops/s, p95 ${fixed(extra.p95)} ms`;
    default: return String(value);
  }
}

function table() {
  const lines = [
    '| figure | browserd | peer | browserd ÷ peer | load 1 min before → after | others (cores) | status |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of figures) {
    let ratio = f.peer ? f.browserd / f.peer : null;
    if (f.ratioMedian !== undefined) ratio = f.ratioMedian;
    const r = ratio === null || !Number.isFinite(ratio) ? '—' : ratio >= 10 ? `${ratio.toFixed(0)}×` : `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×`;
    const m = f.monitor;
    const mark = (s) => (f.disturbed && s !== '—' ? `~${s}` : s);
    lines.push(`| ${f.label} | ${mark(show(f.browserd, f.unit, f))} | ${f.peer === 100 && f.unit === '%' ? '(reference)' : mark(show(f.peer, f.unit, f))} | ${f.ratioMedian !== undefined ? r + ' (median of per-page ratios)' : mark(r)} | ${m ? `${m.load_before.toFixed(2)} → ${m.load_after.toFixed(2)}` : '—'} | ${m ? m.other_cores.toFixed(2) : '—'} | ${f.disturbed ? `**disturbed**: ${f.reasons.join('; ')}` : m ? 'clean' : 'no timing'} |`);
  }
  return lines.join('\n');
}

function pageTable() {
  const pp = raw.pages?.per_page;
  if (!pp) return '';
  const f = (x) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—');
  const lines = [
    '| page | observe first b / pw (ms) | again b / pw (ms) | tokens b / pw | coverage | step b / pw (ms) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, r] of Object.entries(pp)) {
    const m = (side, k) => f(median(r[side][k]));
    lines.push(`| ${name.replace(/\.html$/, '')} | ${m('browserd', 'first')} / ${m('peer', 'first')} | ${m('browserd', 'again')} / ${m('peer', 'again')} | ${r.tokens ? `${r.tokens.browserd} / ${r.tokens.peer}` : '—'} | ${r.coverage ? (r.coverage.share * 100).toFixed(1) + ' %' : '—'} | ${r.browserd.step.length ? `${m('browserd', 'step')} / ${m('peer', 'step')}` : 'no in-page target'} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------- main

async function main() {
  const needed = [[BROWSERD, 'cargo build --release'], [CHROMIUM, 'make chromium']];
  if (ONLY.includes('scrape')) needed.push([SCRAPE_BENCH, 'cargo build --release --example scrape_bench'], [PYTHON, 'make bench']);
  for (const [file, hint] of needed) if (!fs.existsSync(file)) throw new Error(`${file} is missing: run ${hint}`);
  const startedAt = new Date();
  log(`machine: ${JSON.stringify(MACHINE)}; quick=${QUICK}; figures: ${ONLY.join(',')}`);
  const pages = await serve();
  const site = `http://127.0.0.1:${pages.address().port}`;
  let b, peer, flags, peers;
  try {
    b = await startBrowserd();
    flags = browserdFlags(b.chromiumPid);
    await b.stop();
    peers = await peerOptions(flags);
    if (ONLY.includes('memory')) await figureMemory(flags, peers);
    if (ONLY.some((x) => ['start', 'pages', 'load'].includes(x))) {
      b = await startBrowserd();
      peer = await launchPeer(peers.same);
      if (ONLY.includes('start')) await figureStart(b, peer);
      if (ONLY.includes('pages')) await figurePages(b, peer, site);
      await peer.close();
      if (ONLY.includes('load')) await figureLoad(b, site);
      await b.stop();
    }
    if (ONLY.includes('diff')) {
      b = await startBrowserd();
      await figureDiffTokens(b, site);
      await b.stop();
    }
    if (ONLY.includes('scrape')) await figureScrape();
  } finally {
    for (const cleanup of [...cleanups]) await cleanup();
    pages.close();
  }
  const finishedAt = new Date();
  const result = {
    started_at: startedAt.toISOString(), finished_at: finishedAt.toISOString(), command: 'make bench' + (QUICK ? ' (BENCH_QUICK=1)' : ''),
    machine: MACHINE, quick: QUICK, iterations: N, limits: { other_cores: OTHER_CORES_LIMIT, spread: SPREAD_LIMIT },
    versions: { browserd: execFileSync(BROWSERD, ['--version']).toString().trim(), 'playwright-core': JSON.parse(fs.readFileSync(path.join(HERE, 'node_modules/playwright-core/package.json'))).version },
    chromium: { executable: CHROMIUM, browserd_flags: flags, peer_flags: peers?.same, peer_stock_flags: peers?.stockFlags },
    figures, raw,
  };
  const dir = path.join(HERE, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}${QUICK ? '-quick' : ''}.json`);
  fs.writeFileSync(file + '.tmp', JSON.stringify(result, null, 1));
  fs.renameSync(file + '.tmp', file);
  const disturbed = figures.filter((f) => f.disturbed).length;
  console.log(`\nbrowserd beside its peers — ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${MACHINE.nproc} cores (${MACHINE.cpu_model}), ${MACHINE.ram_gib} GiB, ${MACHINE.chromium}, playwright-core ${result.versions['playwright-core']}${QUICK ? ', QUICK run' : ''}\n`);
  console.log(table());
  if (raw.pages) console.log('\nPer page (medians over runs):\n\n' + pageTable());
  console.log(`\n${disturbed ? `${disturbed} of ${figures.length} figures disturbed (others above ${OTHER_CORES_LIMIT} cores, or runs apart by more than ×${SPREAD_LIMIT}): read them as rough.` : 'No figure disturbed.'} Raw figures: ${path.relative(ROOT, file)}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => { for (const cleanup of [...cleanups]) await cleanup().catch(() => {}); process.exit(130); });
}
main().catch(async (e) => {
  console.error(e);
  for (const cleanup of [...cleanups]) await cleanup().catch(() => {});
  process.exit(1);
});
