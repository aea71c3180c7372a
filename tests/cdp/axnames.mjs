// browserd tests — axnames.mjs: browserd's accessible names (src/injected/accname.js)
// beside Chromium's own, from its accessibility tree, on pages of the fixture site, through
// a session's CDP endpoint.
//
//   node tests/cdp/axnames.mjs CDP_URL URL...
//
// For every control the accessibility tree names (button, link, checkbox, textbox, slider …)
// it compares the browser's name with accname.js's, leaving out on purpose: the items of a
// composite widget holding controls of their own (their names leave those out, as
// browserd lists them apart), and the parts of a native control drawn in the browser's own
// shadow tree. Prints one line `RESULT {"same", "total", "differ": [...]}`.
import { chromium } from 'playwright-core';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const [cdpUrl, ...urls] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const factory = fs.readFileSync(path.join(here, '../../src/injected/accname.js'), 'utf8');
const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
  'menuitemradio', 'option', 'textbox', 'searchbox', 'combobox', 'listbox', 'slider', 'spinbutton', 'treeitem',
  'gridcell', 'separator']);
const COMPARED = `function () {
  if (this.getRootNode() !== this.ownerDocument && !this.getRootNode().host.shadowRoot) return null;
  const nested = 'a[href],button,input,select,textarea,[role=button],[role=link],[role=checkbox],[role=group],[role=menu]';
  const role = window.__accname.roleOf(this);
  if (['option', 'treeitem', 'row', 'menuitem'].includes(role) && this.querySelector(nested)) return null;
  return window.__accname.name(this)[0];
}`;

const browser = await chromium.connectOverCDP(cdpUrl);
const page = await browser.contexts()[0].newPage();
const cdp = await page.context().newCDPSession(page);
let same = 0, total = 0;
const differ = [];
const flat = (s) => (s || '').replace(/\s+/g, ' ').trim();
for (const url of urls) {
  await page.goto(url);
  await page.evaluate((f) => { window.__accname = (0, eval)('(' + f + '\n)')(); }, factory);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  for (const n of nodes) {
    if (n.ignored || !n.role || !ROLES.has(n.role.value) || !n.backendDOMNodeId) continue;
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId });
    const { result } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId, functionDeclaration: COMPARED, returnByValue: true });
    if (result.value === null || result.value === undefined) continue;
    total++;
    const want = flat(n.name && n.name.value), got = flat(result.value);
    if (want === got) same++;
    else differ.push(`${url.split('/').pop()}: ${n.role.value} ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`);
  }
}
await page.close();
await browser.close();
console.log('RESULT ' + JSON.stringify({ same, total, differ }));
