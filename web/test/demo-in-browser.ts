/**
 * A test file's set-up for the end-to-end tests on the demo ecosystem, apart
 * from browser.ts, which the benchmarks also import outside vitest.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/server.js';
import { ensureWebBuild, launchBrowser } from './browser.js';

/**
 * The real server on the demo ecosystem and a headless Chromium for the tests
 * of one file: started (with the web app built) before them, closed after.
 */
export function demoInBrowser(): { server: TestServer; browser: Browser } {
  const app = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    await ensureWebBuild();
    [app.server, app.browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}
