// browserd tests — viewer.mjs: browserd's own pages (live view, replay, sessions page)
// opened in a real Chromium by Playwright, as a person opens them.
//
//   node tests/cdp/viewer.mjs live     VIEWER_URL API_URL KEY SESSION_ID SITE_URL
//   node tests/cdp/viewer.mjs takeover VIEWER_URL API_URL KEY SESSION_ID
//   node tests/cdp/viewer.mjs replay   REPLAY_URL
//   node tests/cdp/viewer.mjs ui       API_URL KEY
//   node tests/cdp/viewer.mjs shots    API_URL KEY VIEWER_URL REPLAY_URL OUT_DIR   (README pictures)
//
// Each prints one line `RESULT {json}` for tests/api/viewer.rs to check, and exits
// non-zero on a failed expectation of its own.
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const [mode, ...args] = process.argv.slice(2);
const result = (value) => console.log('RESULT ' + JSON.stringify(value));
const fail = (message) => { console.error(message); process.exit(1); };
const CHROMIUM = process.env.BROWSERD_CHROMIUM || '/usr/lib/chromium/chromium';

async function person(viewport = { width: 1280, height: 800 }) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport });
  return { browser, page };
}

/// The live view's picture as pixels (RGBA, scaled to 160×100), read from the page.
async function pixels(page) {
  return page.evaluate(() => {
    const img = document.getElementById('screen');
    const canvas = document.createElement('canvas');
    canvas.width = 160; canvas.height = 100;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}

function changedShare(a, b) {
  let changed = 0;
  for (let i = 0; i < a.length; i += 4) {
    const d = Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
    if (d > 48) changed += 1;
  }
  return changed / (a.length / 4);
}

async function api(apiUrl, key, path, body) {
  const response = await fetch(apiUrl + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await response.json();
  if (!response.ok) fail(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function firstFrame(page) {
  await page.waitForFunction(() => window.__liveView && window.__liveView.frames() > 0, null, { timeout: 20000 });
}

async function live([viewerUrl, apiUrl, key, session, site]) {
  const { browser, page } = await person();
  await page.goto(viewerUrl);
  await firstFrame(page);
  const before = await pixels(page);
  const framesBefore = await page.evaluate(() => window.__liveView.frames());
  await api(apiUrl, key, '/env/observe', { session_id: session, url: site + '/takeover.html', keep_alive: true });
  // The picture follows the navigation: wait for frames until it differs.
  let share = 0;
  for (let tries = 0; tries < 100 && share < 0.2; tries += 1) {
    await page.waitForTimeout(100);
    share = changedShare(before, await pixels(page));
  }
  const framesAfter = await page.evaluate(() => window.__liveView.frames());
  await page.waitForFunction(() => document.getElementById('url').textContent.includes('takeover.html'), null, { timeout: 10000 });
  const url = await page.textContent('#url');
  const step = await api(apiUrl, key, '/env/step', { session_id: session, action_id: 'B1', keep_alive: true });
  await page.waitForFunction(() => document.querySelectorAll('#steps li').length > 0, null, { timeout: 10000 });
  const stepShown = await page.textContent('#steps li');
  const viewport = await page.evaluate(() => window.__liveView.viewport());
  await browser.close();
  result({ share, framesBefore, framesAfter, url, stepShown, viewport, stepped: step.space ? true : false });
}

async function takeover([viewerUrl, apiUrl, key, session]) {
  const { browser, page } = await person();
  const watchOnly = viewerUrl;
  await page.goto(watchOnly + '&control=1');
  await firstFrame(page);
  await page.waitForFunction(() => window.__liveView.viewport().width > 0, null, { timeout: 10000 });
  // The big button fills the top of the session's page: click the picture there.
  const box = await page.locator('#screen').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.1);
  // Then click into the note field and type, as a person does on the picture.
  const viewport = await page.evaluate(() => window.__liveView.viewport());
  // The field starts 20 px under the 300 px button, 20 px after its label.
  await page.mouse.click(box.x + 200 * box.width / viewport.width, box.y + 335 * box.height / viewport.height);
  await page.keyboard.type('hi there');
  // The keys travel through the viewer's socket: wait until the page has them all.
  let observed;
  for (let tries = 0; tries < 50; tries += 1) {
    observed = await api(apiUrl, key, '/env/scrape', { session_id: session, keep_alive: true });
    if (observed.data.markdown.includes('Typed: hi there')) break;
    await page.waitForTimeout(200);
  }
  await browser.close();
  // A viewer without control: its page sends no input, and the server refuses any.
  const socketUrl = viewerUrl.replace(/^http/, 'ws').replace('/live?', '/live/ws?');
  const refusal = await new Promise((resolve, reject) => {
    const socket = new WebSocket(socketUrl);
    const timer = setTimeout(() => reject(new Error('no answer to a watcher\'s input')), 10000);
    socket.on('message', (data, binary) => {
      if (binary) return;
      const message = JSON.parse(data.toString());
      if (message.type === 'hello') socket.send(JSON.stringify({ type: 'mouse', event: 'down', x: 600, y: 30, button: 'left', clicks: 1 }));
      if (message.type === 'error') { clearTimeout(timer); socket.close(); resolve(message.message); }
    });
    socket.on('error', reject);
  });
  const after = await api(apiUrl, key, '/env/scrape', { session_id: session, keep_alive: true });
  result({ markdown: observed.data.markdown, refusal, watchedMarkdown: after.data.markdown });
}

async function replay([replayUrl]) {
  const { browser, page } = await person();
  await page.goto(replayUrl);
  await page.waitForFunction(() => window.__replayLoaded === true, null, { timeout: 20000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#steps img')].every((img) => img.complete), null, { timeout: 20000 });
  const steps = await page.$$eval('#steps li', (items) => items.map((item) => ({
    text: item.innerText,
    picture: (item.querySelector('img')?.naturalWidth || 0),
  })));
  // The keyboard moves through the steps; the big picture follows.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const position = await page.textContent('#position');
  await page.waitForFunction(() => document.getElementById('picture').complete);
  const picture = await page.evaluate(() => document.getElementById('picture').naturalWidth);
  await browser.close();
  result({ steps, position, picture });
}

async function ui([apiUrl, key]) {
  const { browser, page } = await person({ width: 390, height: 844 });
  const fetched = [];
  page.on('response', async (response) => {
    if (response.url().includes('/sessions')) fetched.push(await response.text());
  });
  await page.goto(apiUrl + '/ui');
  await page.fill('#key', key);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__sessionsLoaded === true, null, { timeout: 20000 });
  const listed = await page.$$eval('#sessions li', (items) => items.map((item) => item.dataset.session));
  const texts = await page.$$eval('#sessions li', (items) => items.map((item) => item.innerText));
  await page.selectOption('#status', 'active');
  await page.waitForFunction((count) => document.querySelectorAll('#sessions li').length !== count, listed.length, { timeout: 10000 }).catch(() => {});
  const active = await page.$$eval('#sessions li', (items) => items.map((item) => item.dataset.session));
  const links = await page.$$eval('#sessions a', (anchors) => anchors.map((a) => a.textContent));
  // The key is kept: a reload shows the list without asking again.
  await page.reload();
  await page.waitForFunction(() => window.__sessionsLoaded === true, null, { timeout: 20000 });
  const afterReload = await page.$$eval('#sessions li', (items) => items.length);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  await browser.close();
  result({ listed, texts, active, links, afterReload, fetched: fetched.join('\n'), overflow });
}

async function shots([apiUrl, key, viewerUrl, replayUrl, out]) {
  const { browser, page } = await person({ width: 1280, height: 800 });
  await page.goto(apiUrl + '/ui');
  await page.fill('#key', key);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__sessionsLoaded === true);
  await page.waitForTimeout(500);
  await page.screenshot({ path: out + '/sessions.png' });
  await page.goto(viewerUrl);
  await firstFrame(page);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out + '/live.png' });
  await page.goto(replayUrl);
  await page.waitForFunction(() => window.__replayLoaded === true);
  await page.waitForTimeout(800);
  await page.screenshot({ path: out + '/replay.png' });
  await browser.close();
  result({ out });
}

const modes = { live, takeover, replay, ui, shots };
if (!modes[mode]) fail(`unknown mode ${mode}`);
modes[mode](args).catch((error) => fail(error.stack || String(error)));
