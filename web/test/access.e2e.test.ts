/**
 * The web app against a real server started with AUTH=required, in a real
 * headless Chromium: it asks for a key, says why a wrong one is refused,
 * keeps a good one and loads the map with it, and does not ask again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { KeyRing } from '../../server/access/keys.js';
import { startServer, type TestServer } from '../../server/test/server.js';
import { tempDir } from '../../server/test/stores.js';
import { ensureWebBuild, launchBrowser, screenshotPath, waitForMap } from './browser.js';

let server: TestServer;
let browser: Browser;
let viewerKey: string;

beforeAll(async () => {
  await ensureWebBuild();
  const dataDir = tempDir();
  viewerKey = new KeyRing(dataDir).create({ name: 'browser', role: 'viewer' }, 'test').key;
  [server, browser] = await Promise.all([startServer({ dataDir, store: 'grafeo', env: { AUTH: 'required' } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a server that requires keys', () => {
  it('asks for a key, refuses a wrong one with the reason, keeps a good one and loads the map', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);

    const dialog = page.locator('#key-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await page.locator('#key-reason').textContent()).toContain('requires an API key');
    await page.screenshot({ path: screenshotPath('access-key-dialog.png') });

    await page.fill('#key-input', 'eco_wrong');
    await page.click('#key-submit');
    await expect.poll(() => page.locator('#key-reason').textContent()).toContain('not valid');

    await page.fill('#key-input', viewerKey);
    await page.click('#key-submit');
    await waitForMap(page);
    expect(await dialog.count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('ecograph.apiKey'))).toBe(viewerKey);

    // The key is kept: a reload goes straight to the map.
    await page.reload();
    await waitForMap(page);
    expect(await page.locator('#key-dialog').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
