// Time collect.js against a minimal querySelectorAll pass (the ~15 ms reference of CHROMIUM.md),
// interleaved so both see the same machine load. usage: node bench-collect.mjs [bench/page.html] [runs]
import fs from 'node:fs';
import { serve } from './serve.mjs';
import { launch } from './browser.mjs';
const server = await serve();
const B = await launch();
const browser = B.browser;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${server.address().port}/${process.argv[2] || 'bench/zz-synthetic-large.html'}`);
  const cdp = await page.context().newCDPSession(page);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const { executionContextId: ctx } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'b', grantUniversalAccess: true });
  let src = fs.readFileSync(new URL('../../src/perception/collect.js', import.meta.url), 'utf8');
  for (const [a, b] of JSON.parse(process.env.PATCH || '[]')) { if (!src.includes(a)) throw new Error('patch miss ' + a); src = src.split(a).join(b); }
  const base = `(() => {const t=performance.now(); const out=[]; for (const e of document.querySelectorAll('a,button,input,select,textarea')) { const r=e.getBoundingClientRect(); out.push({t:e.localName, n:e.textContent.trim().slice(0,80), x:r.x,y:r.y,w:r.width,h:r.height}); } return {time_ms: performance.now()-t, out};})()`;
  const runs = +(process.argv[3] || 9);
  const A = [], B = [], WA = [], WB = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const a = await cdp.send('Runtime.evaluate', { expression: src, contextId: ctx, returnByValue: true });
    WA.push(performance.now() - t);
    if (a.exceptionDetails) throw new Error(JSON.stringify(a.exceptionDetails));
    A.push((typeof a.result.value === 'string' ? JSON.parse(a.result.value) : a.result.value).time_ms);
    t = performance.now();
    const b = await cdp.send('Runtime.evaluate', { expression: base, contextId: ctx, returnByValue: true });
    WB.push(performance.now() - t);
    B.push(b.result.value.time_ms);
  }
  const med = (x) => { const s = [...x].sort((p, q) => p - q); return +s[s.length >> 1].toFixed(1); };
  console.log(JSON.stringify({ collect_in_page_ms: med(A), collect_wall_ms: med(WA), baseline_in_page_ms: med(B), baseline_wall_ms: med(WB), first_collect_ms: +A[0].toFixed(1), ratio: +(med(A) / med(B)).toFixed(2) }));
} finally {
  await B.close();
  server.close();
}
