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

  it('lets the user fix the mapping: an unknown column given to a field and a field read from another column, previewed, then imported with it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/?view=import`);
    await page.locator('#import-files').waitFor({ state: 'attached' });
    // The PRM sample with a column the profile does not know, and a second name column.
    // Ids and domains of its own: the Salesforce import above holds some of these companies.
    const sample = readFileSync(path.join(ROOT, 'seeds/samples/prm/partner-list.csv'), 'utf8').replaceAll('PRM-', 'EDIT-').replaceAll('.example', '-edit.example');
    const [header, ...rows] = sample.trim().split('\n');
    const revenues = rows.map((_, i) => 1_000_000 * (i + 1));
    const csv = [`${header},Annual Revenue (USD),Legal Name`, ...rows.map((row, i) => `${row},"$${revenues[i]!.toLocaleString('en-US')}",Legal ${i + 1}`)].join('\n');
    const firstId = rows[0]!.split(',')[0]!;
    await page.setInputFiles('#import-files', { name: 'prm-partners.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('#import-preview');
    await page.locator('#import-summary[data-dry-run="true"]').waitFor();
    const file = page.locator('#import-mapping [data-file="prm-partners.csv"]');
    expect(await file.locator('.ignored-columns').textContent()).toContain('Annual Revenue (USD)');
    const created = await page.locator('#import-created').textContent();

    await file.locator('li[data-column="Annual Revenue (USD)"] select.assign-ignored').selectOption('partners.revenue');
    await file.locator('tr[data-field="name"] select.mapping-column').selectOption('Legal Name');
    expect(await page.locator('#import-edited').textContent()).toContain('2 changes to the mapping: preview again');
    // An import needs a preview of what it will do.
    expect(await page.locator('#import-commit').isDisabled()).toBe(true);
    await page.click('#import-preview');
    await page.locator('#import-summary[data-dry-run="true"]').waitFor();
    await page.waitForFunction(() => !document.querySelector('#import-edited')?.textContent?.includes('preview again'));
    // The dry run read the file with the edited mapping.
    expect(await file.locator('tr[data-field="revenue"] select.mapping-column').inputValue()).toBe('Annual Revenue (USD)');
    expect(await file.locator('tr[data-field="name"] select.mapping-column').inputValue()).toBe('Legal Name');
    expect(await file.locator('.ignored-columns').textContent()).not.toContain('Annual Revenue (USD)');
    expect(await page.locator('#import-created').textContent()).toBe(created);
    expect((await fetch(`${server.url}/api/partners/${firstId}`)).status).toBe(404);
    await page.screenshot({ path: screenshotPath('import-mapping-edited.png'), fullPage: true });

    await page.click('#import-commit');
    await page.locator('#import-summary[data-dry-run="false"]').waitFor();
    const stored = await (await fetch(`${server.url}/api/partners/${firstId}`)).json();
    expect([stored.name, stored.revenue]).toEqual(['Legal 1', revenues[0]]);
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
