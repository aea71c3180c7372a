// Exercise collect.js + locate.js + choose.js in Chromium on the fixture pages, through CDP
// exactly as the driver will (isolated world, Runtime.evaluate / Runtime.callFunctionOn).
// usage: node test-js.mjs   (exits non-zero on failure; prints "N passed, M failed")
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
const HERE = path.dirname(new URL(import.meta.url).pathname);
const read = (f) => fs.readFileSync(path.join(HERE, '../../src/perception', f), 'utf8');
const COLLECT = read('collect.js'), LOCATE = read('locate.js'), CHOOSE = read('choose.js');
let passed = 0, failed = 0;
const check = (cond, msg) => { if (cond) passed++; else { failed++; console.error('FAIL', msg); } };
const server = await serve();
const B = await launch();
try {
  const base = `http://127.0.0.1:${server.address().port}/fx/`;
  async function open(file) {
    const page = await B.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base + file, { waitUntil: 'load' });
    await page.waitForTimeout(400);
    const cdp = await page.context().newCDPSession(page);
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'browserd', grantUniversalAccess: true });
    const ev = await cdp.send('Runtime.evaluate', { expression: COLLECT, contextId: executionContextId, returnByValue: true });
    if (ev.exceptionDetails) throw new Error(JSON.stringify(ev.exceptionDetails));
    const snap = JSON.parse(ev.result.value);
    const call = async (fn, ...args) => {
      const r = await cdp.send('Runtime.callFunctionOn', { functionDeclaration: fn, executionContextId, arguments: args.map((value) => ({ value })), returnByValue: true });
      if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
      return r.result.value;
    };
    const byName = (n) => snap.elements.find((e) => e.name === n);
    return { page, snap, call, byName };
  }
  {
    const { page, call, byName } = await open('forms.html');
    const r = await call(LOCATE, byName('Sign in').handle);
    check(r.status === 'ok', 'locate Sign in ' + JSON.stringify(r));
    const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.textContent, [r.x, r.y]);
    check(hit === 'Sign in', 'locate point hits the button: ' + hit);
    const c = byName('Country');
    let ch = await call(CHOOSE, c.handle, 'France');
    check(ch.status === 'ok' && ch.value === 'fr', 'choose France ' + JSON.stringify(ch));
    check(await page.evaluate(() => document.getElementById('country').value) === 'fr', 'select value set');
    ch = await call(CHOOSE, c.handle, 'germany');
    check(ch.status === 'ok' && ch.value === 'de', 'choose case-insensitive ' + JSON.stringify(ch));
    ch = await call(CHOOSE, c.handle, 'Italy');
    check(ch.status === 'no-match' && ch.values.includes('France') && !ch.values.includes('Italy'), 'disabled option refused ' + JSON.stringify(ch));
    ch = await call(CHOOSE, byName('Volume').handle, '70');
    check(ch.status === 'ok' && ch.value === '70', 'range set ' + JSON.stringify(ch));
    ch = await call(CHOOSE, byName('Gift wrap').handle, 'Box');
    check(ch.status === 'click' && ch.x > 0, 'aria listbox option located ' + JSON.stringify(ch));
    check((await call(LOCATE, 99999)).status === 'gone', 'unknown handle is gone');
    await page.evaluate(() => document.querySelector('#login button').remove());
    check((await call(LOCATE, byName('Sign in').handle)).status === 'gone', 'removed element is gone');
    await page.evaluate(() => { document.getElementById('email').disabled = true; });
    check((await call(LOCATE, byName('Email').handle)).status === 'disabled', 'disabled later');
    const far = await call(LOCATE, byName('About us').handle);
    check(far.status === 'ok' && far.y > 0 && far.y < 800, 'scrolled into view ' + JSON.stringify(far));
    await page.close();
  }
  {
    const { page, call, byName, snap } = await open('hidden.html');
    const inner = await call(LOCATE, byName('Scroll container link').handle);
    check(inner.status === 'ok' && inner.x > 0 && inner.x < 1280, 'link inside a horizontal scroller scrolled into view ' + JSON.stringify(inner));
    const card = await call(LOCATE, byName('Card headline').handle);
    check(card.status === 'ok', 'transparent overlay link located ' + JSON.stringify(card));
    const terms = snap.elements.find((e) => e.field === 'terms');
    const r = await call(LOCATE, terms.handle);
    check(r.status === 'ok', 'styled checkbox located via label ' + JSON.stringify(r));
    await page.evaluate(() => { const d = document.createElement('div'); d.id = 'overlay'; d.style = 'position:fixed;inset:0;background:#0003;z-index:9'; document.body.append(d); });
    const c = await call(LOCATE, byName('Visible button').handle);
    check(c.status === 'covered' && /overlay/.test(c.covered_by), 'covered by overlay ' + JSON.stringify(c));
    await page.close();
  }
  {
    const { page, call, byName } = await open('frames.html');
    const r = await call(LOCATE, byName('Subscribe').handle);
    check(r.status === 'ok', 'frame element located ' + JSON.stringify(r));
    const hit = await page.evaluate(([x, y]) => { const f = document.elementFromPoint(x, y); if (f?.localName !== 'iframe') return f?.localName; const b = f.getBoundingClientRect(); return f.contentDocument.elementFromPoint(x - b.left - f.clientLeft - 5, y - b.top - f.clientTop - 5)?.textContent; }, [r.x, r.y]);
    check(hit === 'Subscribe', 'top-viewport point hits the frame button: ' + hit);
    await page.close();
  }
  {
    const { page, call, byName } = await open('shadow.html');
    const r = await call(LOCATE, byName('Nested shadow button').handle);
    check(r.status === 'ok', 'nested shadow located ' + JSON.stringify(r));
    await page.close();
  }
  {
    const { page, call, byName } = await open('dialog.html');
    const r = await call(LOCATE, byName('Accept all').handle);
    check(r.status === 'ok', 'dialog button located ' + JSON.stringify(r));
    await page.close();
  }
  {
    // odd documents: blank, plain text, SVG, a page that overrides globals in its own world
    for (const [url, body] of [['about:blank', null], [base + '../bench/SOURCES.tsv', null]]) {
      const page = await B.browser.newPage();
      await page.goto(url);
      const cdp = await page.context().newCDPSession(page);
      const { frameTree } = await cdp.send('Page.getFrameTree');
      const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'browserd', grantUniversalAccess: true });
      const ev = await cdp.send('Runtime.evaluate', { expression: COLLECT, contextId: executionContextId, returnByValue: true });
      check(!ev.exceptionDetails && Array.isArray(JSON.parse(ev.result.value).elements), 'collect on ' + url + ' ' + JSON.stringify(ev.exceptionDetails || '').slice(0, 300));
      void body;
      await page.close();
    }
    {
      // a huge page: 8,000 links; the snapshot stops at 6,000 and says how many it left
      const page = await B.browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.setContent('<title>huge</title><main>' + Array.from({ length: 8000 }, (_, i) => `<p><a href="/l${i}">Link number ${i}</a></p>`).join('') + '</main>');
      const cdp = await page.context().newCDPSession(page);
      const { frameTree } = await cdp.send('Page.getFrameTree');
      const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'browserd', grantUniversalAccess: true });
      const t0 = performance.now();
      const ev = await cdp.send('Runtime.evaluate', { expression: COLLECT, contextId: executionContextId, returnByValue: true });
      const wall = performance.now() - t0;
      const snap = JSON.parse(ev.result.value);
      check(snap.elements.length === 6000 && snap.counts.over_limit === 2000, 'huge page capped: ' + snap.elements.length + ' / ' + snap.counts.over_limit);
      console.log(`huge page (8,000 links): collect ${snap.time_ms} ms in page, ${Math.round(wall)} ms wall, ${ev.result.value.length} bytes`);
      await page.close();
    }
    const page = await B.browser.newPage();
    await page.setContent('<title>x</title><script>Array.prototype.push = () => { throw new Error("hostile"); }; JSON.stringify = () => "{}"; document.querySelectorAll = null;</script><a href="/a">A link</a><svg><a href="/s"><text>svg link</text></a></svg>');
    const cdp = await page.context().newCDPSession(page);
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'browserd', grantUniversalAccess: true });
    const ev = await cdp.send('Runtime.evaluate', { expression: COLLECT, contextId: executionContextId, returnByValue: true });
    const snap = ev.exceptionDetails ? null : JSON.parse(ev.result.value);
    check(snap && snap.elements.some((e) => e.name === 'A link'), 'hostile page globals do not reach the isolated world ' + JSON.stringify(ev.exceptionDetails || '').slice(0, 300));
    await page.close();
  }
} catch (e) { failed++; console.error(e); } finally { await B.close(); server.close(); }
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
