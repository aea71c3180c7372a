// browserd tests — accname.mjs: browserd's accessible names (src/injected/accname.js, the
// names collect.js lists) against a conformance suite's expectations, in the server's
// Chromium through a session's CDP endpoint.
//
//   node tests/cdp/accname.mjs CDP_URL CASES_JSON
//
// CASES_JSON is a list of cases: { filename, title, html, selector, name?, description? }
// (the page's element `selector` must have that name or description), or, with selector
// ".ex", a page whose every `.ex` element carries its expected name in
// data-expectedlabel (web-platform-tests' accname/ format). Prints one line
// `RESULT {"passed", "total", "failures": [...]}`.
import { chromium } from 'playwright-core';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const [cdpUrl, casesPath] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const factory = fs.readFileSync(path.join(here, '../../src/injected/accname.js'), 'utf8');
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));

const browser = await chromium.connectOverCDP(cdpUrl);
const page = await browser.contexts()[0].newPage();
let passed = 0, total = 0;
const failures = [];
for (const c of cases) {
  await page.setContent('<!doctype html><html><head></head><body>' + c.html + '</body></html>');
  const checks = await page.evaluate(([factory, c]) => {
    const accname = (0, eval)('(' + factory + '\n)')();
    const flat = (s) => (s || '').replace(/\s+/g, ' ').trim();
    if (c.selector === '.ex') {
      return [...document.querySelectorAll('.ex')].map((el) => ({
        test: el.dataset.testname, want: flat(el.dataset.expectedlabel), got: flat(accname.name(el)[0]),
      }));
    }
    const el = document.querySelector(c.selector);
    if (!el) return [{ test: c.title, want: 'an element', got: 'none' }];
    const out = [];
    const [name, source] = accname.name(el);
    if ('name' in c) out.push({ test: c.title, want: flat(c.name), got: flat(name) });
    if ('description' in c) out.push({ test: c.title + ' (description)', want: flat(c.description), got: flat(accname.description(el, source === 'title')) });
    return out;
  }, [factory, c]);
  for (const check of checks) {
    total++;
    if (check.want === check.got) passed++;
    else failures.push(`${c.filename}: ${check.test}: want ${JSON.stringify(check.want)}, got ${JSON.stringify(check.got)}`);
  }
}
await page.close();
await browser.close();
console.log('RESULT ' + JSON.stringify({ passed, total, failures }));
