// browserd tests — clients.mjs: the real DevTools clients against a session's CDP endpoint.
//
//   node tests/cdp/clients.mjs playwright CDP_URL SITE_URL
//   node tests/cdp/clients.mjs puppeteer  CDP_URL CDP_HTTP_URL SITE_URL
//   node tests/cdp/clients.mjs isolation  OWN_CDP_URL OTHER_CDP_URL
//   node tests/cdp/clients.mjs raw        CDP_URL
//   node tests/cdp/clients.mjs close-first CDP_URL SITE_URL
//   node tests/cdp/clients.mjs two        CDP_URL SITE_URL
//   node tests/cdp/clients.mjs hold       CDP_URL     (a raw socket; prints how the server closed it)
//   node tests/cdp/clients.mjs attached   CDP_URL     (Playwright, auto-attached; waits to be cut off)
//
// Each prints one line `RESULT {json}` for tests/api/cdp.rs to check, and exits non-zero
// on a failed expectation of its own.
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import WebSocket from 'ws';

const [mode, ...args] = process.argv.slice(2);
const result = (value) => console.log('RESULT ' + JSON.stringify(value));
const fail = (message) => { console.error(message); process.exit(1); };

async function playwright([cdpUrl, site]) {
  const browser = await chromium.connectOverCDP(cdpUrl);
  const contexts = browser.contexts();
  const context = contexts[0];
  const found = context.pages().map((page) => page.url());
  const page = context.pages()[0];
  await page.goto(site + '/form.html');
  await page.fill('#email', 'ada@example.com');
  await page.check('input[name=remember]');
  await context.addCookies([{ name: 'from_playwright', value: 'yes', url: site }]);
  const cookies = (await context.cookies()).map((cookie) => cookie.name);
  const screenshot = await page.screenshot();
  const second = await context.newPage();
  await second.goto(site + '/article.html');
  const pages = context.pages().length;
  const secondTitle = await second.title();
  await browser.close();
  result({ contexts: contexts.length, found, cookies, screenshot: screenshot.length, pages, secondTitle });
}

async function puppeteerClient([cdpUrl, httpUrl, site]) {
  const browser = await puppeteer.connect({ browserWSEndpoint: cdpUrl, defaultViewport: null });
  const before = (await browser.pages()).length;
  const page = await browser.newPage();
  await page.goto(site + '/article.html');
  const sum = await page.evaluate(() => 20 + 22);
  const title = await page.title();
  const after = (await browser.pages()).length;
  await browser.disconnect();
  // The same endpoint through discovery (`…/json/version`), as `browserURL` finds it.
  const discovered = await puppeteer.connect({ browserURL: httpUrl, defaultViewport: null });
  const titles = await Promise.all((await discovered.pages()).map((p) => p.title()));
  await discovered.disconnect();
  result({ before, after, sum, title, titles });
}

/// Every way we know of to reach another session through CDP, each expected to fail or to
/// show nothing of it.
async function isolation([ownUrl, otherUrl]) {
  // The other session's ids, as its own client sees them.
  const other = await chromium.connectOverCDP(otherUrl);
  const otherContext = other.contexts()[0];
  await otherContext.addCookies([{ name: 'other_secret', value: 's', url: 'http://127.0.0.1/' }]);
  const otherRaw = await other.newBrowserCDPSession();
  const { targetInfos: otherTargets } = await otherRaw.send('Target.getTargets');
  const otherPage = otherTargets.find((t) => t.type === 'page');
  const otherTab = otherTargets.find((t) => t.type === 'tab');
  const otherContextId = otherPage.browserContextId;

  const own = await chromium.connectOverCDP(ownUrl);
  const raw = await own.newBrowserCDPSession();
  const refused = {};
  const attempt = async (name, session, method, params) => {
    try {
      const answer = await session.send(method, params);
      refused[name] = { refused: false, answer };
    } catch (error) {
      refused[name] = { refused: true, message: String(error.message || error) };
    }
  };
  const target = otherPage.targetId;
  await attempt('attachToTarget', raw, 'Target.attachToTarget', { targetId: target, flatten: true });
  await attempt('attachToTab', raw, 'Target.attachToTarget', { targetId: otherTab.targetId, flatten: true });
  await attempt('attachNotFlat', raw, 'Target.attachToTarget', { targetId: target, flatten: false });
  await attempt('closeTarget', raw, 'Target.closeTarget', { targetId: target });
  await attempt('activateTarget', raw, 'Target.activateTarget', { targetId: target });
  await attempt('getTargetInfo', raw, 'Target.getTargetInfo', { targetId: target });
  await attempt('autoAttachRelated', raw, 'Target.autoAttachRelated', { targetId: target, waitForDebuggerOnStart: true });
  await attempt('exposeDevToolsProtocol', raw, 'Target.exposeDevToolsProtocol', { targetId: target });
  await attempt('sendMessageToTarget', raw, 'Target.sendMessageToTarget', { targetId: target, message: '{}' });
  await attempt('getWindowForTarget', raw, 'Browser.getWindowForTarget', { targetId: target });
  await attempt('createTargetInOther', raw, 'Target.createTarget', { url: 'about:blank', browserContextId: otherContextId });
  await attempt('getCookiesOfOther', raw, 'Storage.getCookies', { browserContextId: otherContextId });
  await attempt('setCookiesInOther', raw, 'Storage.setCookies', { browserContextId: otherContextId, cookies: [{ name: 'x', value: 'y', url: 'http://127.0.0.1/' }] });
  await attempt('clearCookiesOfOther', raw, 'Storage.clearCookies', { browserContextId: otherContextId });
  await attempt('disposeOtherContext', raw, 'Target.disposeBrowserContext', { browserContextId: otherContextId });
  await attempt('createContext', raw, 'Target.createBrowserContext', {});
  await attempt('closeBrowser', raw, 'Browser.close', {});
  await attempt('crashBrowser', raw, 'Browser.crash', {});
  await attempt('attachToBrowserTarget', raw, 'Target.attachToBrowserTarget', {});
  await attempt('commandLine', raw, 'Browser.getBrowserCommandLine', {});
  await attempt('processInfo', raw, 'SystemInfo.getProcessInfo', {});
  await attempt('allCookiesBrowserLevel', raw, 'Network.getAllCookies', {});
  await attempt('grantPermissionsOther', raw, 'Browser.grantPermissions', { permissions: ['geolocation'], browserContextId: otherContextId });
  await attempt('downloadsOther', raw, 'Browser.setDownloadBehavior', { behavior: 'allow', browserContextId: otherContextId, downloadPath: '/tmp' });

  // What the client may see, it sees without the other session.
  const { targetInfos } = await raw.send('Target.getTargets');
  const { browserContextIds } = await raw.send('Target.getBrowserContexts');
  const discovered = [];
  raw.on('Target.targetCreated', (event) => discovered.push(event.targetInfo));
  await raw.send('Target.setDiscoverTargets', { discover: true, filter: [{}] });
  const ownPage = own.contexts()[0].pages()[0];
  const pageSession = await own.contexts()[0].newCDPSession(ownPage);
  const { cookies: pageCookies } = await pageSession.send('Network.getAllCookies');
  const { cookies: storageCookies } = await pageSession.send('Storage.getCookies', {});
  await attempt('pageSessionCookiesOfOther', pageSession, 'Storage.getCookies', { browserContextId: otherContextId });
  await attempt('pageSessionCloseBrowser', pageSession, 'Browser.close', {});
  await attempt('pageSessionAttachOther', pageSession, 'Target.attachToTarget', { targetId: target, flatten: true });
  await attempt('pageSessionCloseOther', pageSession, 'Target.closeTarget', { targetId: target });
  const { targetInfos: seenFromPage } = await pageSession.send('Target.getTargets');
  const { cookies: ownCookies } = await raw.send('Storage.getCookies', {});

  const seen = [...targetInfos, ...discovered, ...seenFromPage];
  const leaked = seen.filter((t) => t.browserContextId === otherContextId || t.targetId === target);
  const cookieNames = [...pageCookies, ...storageCookies, ...ownCookies].map((c) => c.name);
  // The other session is as it was.
  const otherStill = (await otherRaw.send('Target.getTargets')).targetInfos.some((t) => t.targetId === target);
  await own.close();
  await other.close();
  result({ refused, leaked, cookieNames, browserContextIds, seen: seen.length, otherStill });
}

/// Frames that are not CDP, and a frame too large.
async function rawFrames([cdpUrl]) {
  const socket = new WebSocket(cdpUrl);
  const replies = [];
  socket.on('message', (data) => replies.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => { socket.on('open', resolve); socket.on('error', reject); });
  const next = async (count) => {
    for (let i = 0; i < 100 && replies.length < count; i++) await new Promise((r) => setTimeout(r, 20));
  };
  socket.send('this is not json');
  socket.send(JSON.stringify({ method: 'Browser.getVersion' }));
  socket.send(JSON.stringify({ id: 7, method: 'Browser.getVersion', sessionId: 'no-such-session' }));
  socket.send(JSON.stringify({ id: 8, method: 'Browser.getVersion' }));
  await next(4);
  const closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  socket.send('x'.repeat(33 * 1024 * 1024));
  const close = await Promise.race([closed, new Promise((r) => setTimeout(() => r(null), 10000))]);
  result({ replies, close });
}

/// Stays connected until the server closes the socket; reports the close frame.
async function hold([cdpUrl]) {
  const socket = new WebSocket(cdpUrl);
  await new Promise((resolve, reject) => { socket.on('open', resolve); socket.on('error', reject); });
  console.log('CONNECTED');
  const close = await new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  result({ close });
}

/// Playwright connected (browser-wide auto-attach with `waitForDebuggerOnStart`, as it
/// sends at connect) until the server ends the session.
async function attached([cdpUrl]) {
  const browser = await chromium.connectOverCDP(cdpUrl);
  const pages = browser.contexts()[0].pages().length;
  console.log('CONNECTED');
  await new Promise((resolve) => browser.on('disconnected', resolve));
  result({ pages, disconnected: true });
}

/// Opens a second page and closes the session's own.
async function closeFirst([cdpUrl, site]) {
  const browser = await chromium.connectOverCDP(cdpUrl);
  const context = browser.contexts()[0];
  const second = await context.newPage();
  await second.goto(site + '/article.html');
  await context.pages()[0].close();
  const left = context.pages().map((page) => page.url());
  await browser.close();
  result({ left });
}

/// Two clients on one session at once: each sees the other's work; one leaving does not
/// disturb the other.
async function two([cdpUrl, site]) {
  const first = await chromium.connectOverCDP(cdpUrl);
  const second = await chromium.connectOverCDP(cdpUrl);
  const firstPage = first.contexts()[0].pages()[0];
  await firstPage.goto(site + '/article.html');
  const seenBySecond = await second.contexts()[0].pages()[0].title();
  const opened = await second.contexts()[0].newPage();
  await opened.goto(site + '/form.html');
  const pagesOfFirst = first.contexts()[0].pages().length;
  await first.close();
  const stillThere = await opened.title();
  await second.close();
  result({ seenBySecond, pagesOfFirst, stillThere });
}

const modes = { two, 'close-first': closeFirst, playwright, puppeteer: puppeteerClient, isolation, raw: rawFrames, hold, attached };
if (!modes[mode]) fail(`unknown mode ${mode}`);
await modes[mode](args);
