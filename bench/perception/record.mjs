// Record collect.js snapshots + Playwright AI snapshots for bench pages and fixtures.
// usage: node record.mjs [filter-substring]
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const CRATE = path.join(HERE, '../..');
const COLLECT = fs.readFileSync(path.join(CRATE, 'src/perception/collect.js'), 'utf8');
const SNAPDIR = path.join(CRATE, 'tests/perception/fixtures/snapshots');
const OUT = path.join(HERE, 'out');
const filter = process.argv[2] || '';

export async function collect(page) {
  const cdp = await page.context().newCDPSession(page);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const { executionContextId } = await cdp.send('Page.createIsolatedWorld', {
    frameId: frameTree.frame.id, worldName: 'browserd', grantUniversalAccess: true,
  });
  const t0 = performance.now();
  const r = await cdp.send('Runtime.evaluate', { expression: COLLECT, contextId: executionContextId, returnByValue: true });
  const wall = performance.now() - t0;
  if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails).slice(0, 800));
  return { snap: JSON.parse(r.result.value), wall, cdp, ctx: executionContextId };
}

async function main() {
  const server = await serve();
  const port = server.address().port;
  const B = await launch();
  const browser = B.browser;
  const pages = [];
  for (const f of fs.readdirSync(path.join(CRATE, '../shared/bench/pages')).sort()) if (f.endsWith('.html')) pages.push(['bench', f]);
  const fxdir = path.join(CRATE, 'tests/perception/fixtures/pages');
  for (const f of fs.readdirSync(fxdir).sort()) if (f.endsWith('.html')) pages.push(['fx', f]);
  const timings = {};
  try {
    for (const [kind, f] of pages) {
      const name = f.replace(/\.html$/, '');
      if (filter && !`${kind}/${name}`.includes(filter)) continue;
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const url = `http://127.0.0.1:${port}/${kind}/${f}`;
      try {
        await page.goto(url, { waitUntil: 'load', timeout: 20000 });
      } catch (e) { console.error(name, 'goto:', e.message.split('\n')[0]); }
      await page.waitForTimeout(kind === 'fx' ? 700 : 300);
      // Playwright's snapshot first, ours right after, so both see the same state
      let aria = '';
      const ta = performance.now();
      try { aria = await page.ariaSnapshot({ mode: 'ai' }); } catch (e) { aria = await page.locator('body').ariaSnapshot({ mode: 'ai' }); }
      const ariaMs = performance.now() - ta;
      let res;
      try { res = await collect(page); } catch (e) { console.error(name, 'collect failed', e.message); await context.close(); continue; }
      // second and third run for warm timing
      const again = [];
      let second = null;
      for (let i = 0; i < 3; i++) { const r2 = await collect(page); again.push(r2.snap.time_ms); if (!second) second = r2.snap; }
      if (kind === 'fx') {
        // a second observation of the same page, for the id-stability test
        second.url = second.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:8000');
        for (const fr of second.frames) fr.url = fr.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:8000');
        fs.writeFileSync(path.join(SNAPDIR, 'again', `${name}.json`), JSON.stringify(second));
      }
      const snap = res.snap;
      snap.url = snap.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:8000');
      for (const fr of snap.frames) fr.url = fr.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:8000');
      for (const e of snap.elements) if (e.href) e.href = e.href.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1:8000');
      fs.writeFileSync(path.join(SNAPDIR, `${name}.json`), JSON.stringify(snap));
      fs.writeFileSync(path.join(CRATE, 'tests/perception/fixtures/aria', `${name}.aria.txt`), aria);
      timings[name] = { collect_first_ms: snap.time_ms, collect_wall_ms: Math.round(res.wall), collect_again_ms: again, aria_ms: Math.round(ariaMs), elements: snap.elements.length, bytes: JSON.stringify(snap).length };
      console.log(name, JSON.stringify(timings[name]));
      await context.close();
    }
  } finally {
    await B.close();
    server.close();
  }
  fs.mkdirSync(OUT, { recursive: true });
  const tf = path.join(OUT, 'timings.json');
  const prev = fs.existsSync(tf) ? JSON.parse(fs.readFileSync(tf, 'utf8')) : {};
  fs.writeFileSync(tf, JSON.stringify(Object.assign(prev, timings), null, 1));
}
if (process.argv[1] === new URL(import.meta.url).pathname) main();
