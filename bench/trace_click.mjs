// browserd bench — trace_click.mjs: where the browser spends its time around a click on an
// in-page anchor, from Chromium's own trace, for one browser build.
//
//   node bench/trace_click.mjs [CHROMIUM] [PAGE]
//   node bench/trace_click.mjs /usr/lib/chromium/chromium-headless-shell spiegel
//
// Opens PAGE (a substring of a file name in ../shared/bench/pages) with Playwright at a
// 1280×713 viewport, puts a link at the top of it that jumps to an element 70 % down the
// page, and clicks it TRACE_CLICKS times (default 8) under tracing (every default
// category). It prints, per click, the time of the page's first frame after the click and
// of its paint, and the browser process's main-thread tasks from 15 ms before to 25 ms
// after the click, summed by their first named event.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './perception/serve.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.argv[2] || '/usr/lib/chromium/chromium';
const PAGE = process.argv[3] || 'spiegel';
const CLICKS = Number(process.env.TRACE_CLICKS || 8);
const { chromium } = await import('playwright-core');

const site = await serve(0);
const pages = fs.readdirSync(path.join(HERE, '..', '..', 'shared', 'bench', 'pages'));
const name = pages.find((file) => file.includes(PAGE) && file.endsWith('.html'));
if (!name) throw new Error(`no page matches ${PAGE}`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 713 } })).newPage();
  await page.goto(`http://127.0.0.1:${site.address().port}/bench/${name}`, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    const ids = [...document.querySelectorAll('[id]')];
    const link = document.createElement('a');
    link.id = '__jump';
    link.href = `#${ids[Math.floor(ids.length * 0.7)].id}`;
    link.textContent = 'Jump';
    link.style.cssText = 'position:relative;z-index:99999;display:block;font-size:30px;background:#fff';
    document.body.prepend(link);
  });
  await browser.startTracing(page, { categories: ['*'] });
  for (let i = 0; i < CLICKS; i++) {
    await page.evaluate(() => scrollTo(0, 0));
    await page.waitForTimeout(200);
    const box = await page.locator('#__jump').boundingBox();
    await page.mouse.click(box.x + 20, box.y + box.height / 2);
    await page.waitForTimeout(150);
  }
  const trace = JSON.parse(await browser.stopTracing());
  summarise(Array.isArray(trace) ? trace : trace.traceEvents);
} finally {
  await browser.close();
  site.close();
}

function summarise(events) {
  const threads = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const on = (thread) => events.filter((e) => e.ph === 'X' && threads.get(`${e.pid}:${e.tid}`) === thread);
  const browserMain = on('CrBrowserMain');
  const rendererMain = on('CrRendererMain');
  const clicks = events.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click').slice(1);
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
  const frames = [], paints = [];
  const byTask = new Map();
  for (const click of clicks) {
    const at = click.ts + (click.dur || 0);
    const frame = rendererMain.find((e) => e.name === 'ProxyMain::BeginMainFrame' && e.ts >= at);
    if (frame) {
      frames.push((frame.ts + frame.dur - at) / 1000);
      const paint = rendererMain.find((e) => e.name === 'Paint' && e.ts >= frame.ts && e.ts <= frame.ts + frame.dur);
      if (paint) paints.push(paint.dur / 1000);
    }
    for (const task of browserMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ts >= at - 15000 && e.ts <= at + 25000)) {
      const inner = browserMain
        .filter((e) => e !== task && e.ts >= task.ts && e.ts <= task.ts + task.dur && !/^(Receive mojo|SimpleWatcher|Graphics\.Pipeline)/.test(e.name))
        .sort((a, b) => a.ts - b.ts || b.dur - a.dur)[0];
      const label = inner ? inner.name : task.args?.src_func || '?';
      byTask.set(label, (byTask.get(label) || 0) + task.dur / 1000 / clicks.length);
    }
  }
  console.log(`${path.basename(CHROMIUM)}, ${name}, ${clicks.length} clicks (the first is left out)`);
  console.log(`page's first frame after the click ends at ${median(frames).toFixed(1)} ms (median), its paint ${median(paints).toFixed(1)} ms`);
  console.log('browser main thread, from 15 ms before to 25 ms after each click, ms per click:');
  for (const [label, ms] of [...byTask].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${ms.toFixed(2).padStart(6)}  ${label}`);
}
