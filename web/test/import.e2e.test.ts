/**
 * The Import view end to end: the real server on an empty store (with the demo
 * catalogue), the built app, a real headless Chromium. A new user drops a
 * Salesforce export, reads the mapping and the dry run, imports, and sees the
 * partners on the map; then, in the full app, a bad file shows its errors by line.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/server.js';
import { ensureWebBuild, launchBrowser, screenshotPath, waitForMap } from './browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SALESFORCE = path.join(ROOT, 'seeds/samples/salesforce');
const demo = JSON.parse(readFileSync(path.join(ROOT, 'seeds/demo/bundle.json'), 'utf8'));

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  await ensureWebBuild();
  [server, browser] = await Promise.all([startServer({ seed: 'none' }), launchBrowser()]);
  const catalogue = { version: 1, regions: demo.regions, segments: demo.segments, capabilities: demo.capabilities };
  const response = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(catalogue) });
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the Import view', () => {
  it('takes a Salesforce export from an empty store to the map: mapping, dry run, import with progress, the map', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    await page.locator('#import-files').waitFor({ state: 'attached' });
    await page.setInputFiles('#import-files', readdirSync(SALESFORCE).map((f) => path.join(SALESFORCE, f)));
    await page.click('#import-preview');
    await page.locator('#import-summary[data-dry-run="true"]').waitFor();
    expect(await page.locator('#import-created').textContent()).toBe('Would create: 4 partners, 3 customers, 3 deals');
    // The mapping as the server read it: which header feeds which field, and what was ignored.
    expect(await page.locator('#import-mapping [data-file="Accounts.csv"] tr[data-field="name"]').first().textContent()).toContain('Account Name');
    expect(await page.locator('#import-mapping [data-file="Accounts.csv"] .ignored-columns').textContent()).toContain('Account Owner');
    expect((await (await fetch(`${server.url}/api/health`)).json()).counts.partners).toBe(0);
    await page.screenshot({ path: screenshotPath('import-preview.png'), fullPage: true });

    await page.click('#import-commit');
    await page.locator('#import-summary[data-dry-run="false"]').waitFor();
    expect(await page.locator('#import-created').textContent()).toBe('Created: 4 partners, 3 customers, 3 deals');
    await page.click('#import-show-map');
    await waitForMap(page);
    const nodes = await page.evaluate(() => (window as unknown as { ecograph: { renderer: { getGraph(): { order: number } } } }).ecograph.renderer.getGraph().order);
    expect(nodes).toBe(7);
    await page.screenshot({ path: screenshotPath('import-map.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a bad file\'s errors with the file, line and value, and lets nothing be imported', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/?view=import`);
    await page.locator('#import-files').waitFor({ state: 'attached' });
    const prm = 'Partner ID,Partner Name,Partner Type,Regions\nPRM-1,Alpha Partners,Reseller,EMEA North\nPRM-2,Beta Partners,Wizard,Atlantis\n';
    await page.setInputFiles('#import-files', { name: 'partners-export.csv', mimeType: 'text/csv', buffer: Buffer.from(prm) });
    await page.click('#import-preview');
    await page.locator('#import-errors').waitFor();
    const listed = await page.locator('#import-errors .import-error').allTextContents();
    expect(listed.some((e) => e.includes('partners-export.csv line 3') && e.includes('Wizard'))).toBe(true);
    expect(await page.locator('#import-commit').isDisabled()).toBe(true);
    await page.close();
  });
});
