/**
 * Sharing in the web app, in a real headless Chromium against a real server
 * with the demo (story m) and keys required: an editor sets a partner's
 * sharing in its details; a partner key opens on its account mapping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KeyRing } from '../../server/access/keys.js';
import { startServer, type TestServer } from '../../server/test/server.js';
import { tempDir } from '../../server/test/stores.js';
import { SHARING_STORY } from '../../seeds/demo/sharing.js';
import { ensureWebBuild, launchBrowser, screenshotPath } from './browser.js';

let server: TestServer;
let browser: Browser;
const keys = {} as Record<'editor' | 'partner', string>;

beforeAll(async () => {
  await ensureWebBuild();
  const dataDir = tempDir();
  const ring = new KeyRing(dataDir);
  keys.editor = ring.create({ name: 'editor', role: 'editor' }, 'test').key;
  keys.partner = ring.create({ name: 'cascade', role: 'partner', partner: SHARING_STORY.partner }, 'test').key;
  [server, browser] = await Promise.all([startServer({ dataDir, store: 'grafeo', env: { AUTH: 'required' } }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page whose stored API key is `key`, collecting uncaught errors. */
async function pageWithKey(key: string): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((stored) => localStorage.setItem('ecograph.apiKey', stored), key);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors, close: () => context.close() };
}

describe('sharing in the web app', () => {
  it("lets an editor set a partner's sharing in its details", async () => {
    const { page, errors, close } = await pageWithKey(keys.editor);
    await page.goto(`${server.url}/?selected=${SHARING_STORY.counts}`);
    const section = page.locator('#sharing-section');
    await page.locator('#sharing-default').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.locator('#sharing-default').inputValue()).toBe('hidden');
    const row = section.locator(`tr[data-partner="${SHARING_STORY.partner}"] select`);
    expect(await row.inputValue()).toBe('counts');

    await page.selectOption('#sharing-default', 'overlaps');
    await page.fill('#sharing-new-partner', SHARING_STORY.everything);
    await page.click('#sharing-add');
    await page.click('#sharing-save');
    await page.locator('#sharing-saved').waitFor({ state: 'visible' });
    await section.screenshot({ path: screenshotPath('sharing-settings.png') });

    const stored = await (await fetch(`${server.url}/api/partners/${SHARING_STORY.counts}/sharing`, { headers: { authorization: `Bearer ${keys.editor}` } })).json();
    expect(stored).toEqual({ partnerId: SHARING_STORY.counts, default: 'overlaps', defaultSet: true, partners: { [SHARING_STORY.partner]: 'counts', [SHARING_STORY.everything]: 'counts' } });
    expect(errors).toEqual([]);
    await close();
  });

  it('opens a partner key on its account mapping: each partner that shares, at its level, and nobody who hides', async () => {
    const { page, errors, close } = await pageWithKey(keys.partner);
    await page.goto(`${server.url}/`);
    const mapping = page.locator('#account-mapping');
    await mapping.waitFor({ state: 'visible', timeout: 30_000 });
    const shown = await mapping.locator('details').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset['partner']));
    expect(shown.sort()).toEqual([SHARING_STORY.everything, SHARING_STORY.overlaps, SHARING_STORY.counts, SHARING_STORY.countsByDefault].sort());

    const everything = mapping.locator(`details[data-partner="${SHARING_STORY.everything}"]`);
    await everything.locator('summary').click();
    expect(await everything.locator('summary .badge').textContent()).toBe('everything');
    expect(await everything.locator('li').count()).toBeGreaterThan(10);
    const counts = mapping.locator(`details[data-partner="${SHARING_STORY.counts}"]`);
    await counts.locator('summary').click();
    expect(await counts.textContent()).toContain('It shares only the count.');
    expect(await counts.locator('li').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('sharing-account-mapping.png') });

    // Its own settings are in the panel, and saving them works with its key.
    expect(await page.locator('#sharing-default').inputValue()).toBe('counts');
    await page.click('#sharing-save');
    await page.locator('#sharing-saved').waitFor({ state: 'visible' });
    expect(errors).toEqual([]);
    await close();
  });
});
