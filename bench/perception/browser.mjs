// Launch Debian's Chromium through playwright-core and remember its pid so we can kill exactly it.
import { chromium } from 'playwright-core';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'];
export async function launch() {
  const server = await chromium.launchServer({ executablePath: '/usr/lib/chromium/chromium', args: ARGS });
  const pid = server.process().pid;
  const browser = await chromium.connect(server.wsEndpoint());
  return {
    browser,
    pid,
    async close() {
      try { await browser.close(); } catch (e) { /* ignore */ }
      try { await server.close(); } catch (e) { /* ignore */ }
      try { process.kill(pid, 0); process.kill(pid, 'SIGKILL'); } catch (e) { /* already gone */ }
    },
  };
}
