// browserd tests — storage_state.mjs: a login in Playwright's own browser, kept as
// Playwright's storage state, for a browserd profile to take in and give back.
//
//   node tests/cdp/storage_state.mjs signin CHROMIUM SITE_URL OUT_FILE
//       signs in on SITE_URL/account, writes context.storageState() to OUT_FILE
//   node tests/cdp/storage_state.mjs check  CHROMIUM SITE_URL STATE_FILE
//       opens SITE_URL/account in a context made from STATE_FILE
//
// Each prints one line `RESULT {json}` (the account page's title) for tests/api/profiles.rs.
import { chromium } from 'playwright-core';

const [mode, executablePath, site, file] = process.argv.slice(2);
const result = (value) => console.log('RESULT ' + JSON.stringify(value));

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
try {
  if (mode === 'signin') {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site + '/account');
    await page.fill('input[name=user]', 'alice');
    await page.fill('input[name=password]', 'pw');
    await Promise.all([page.waitForURL('**/account?new=1'), page.click('button')]);
    await page.waitForFunction(() => document.title.startsWith('Account'));
    await context.storageState({ path: file });
    result({ title: await page.title() });
  } else if (mode === 'check') {
    const context = await browser.newContext({ storageState: file });
    const page = await context.newPage();
    await page.goto(site + '/account');
    await page.waitForFunction(() => document.title !== '');
    result({ title: await page.title() });
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await browser.close();
}
