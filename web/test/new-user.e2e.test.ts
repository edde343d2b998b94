/**
 * The web app as a new user meets it: the real server with the demo ecosystem
 * (and an empty one), the built app, a real headless Chromium. Each test does
 * what a first-time user would and checks what they would read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/server.js';
import { ensureWebBuild, launchBrowser, screenshotPath, waitForMap } from './browser.js';

const VIEWPORT = { width: 1280, height: 720 };
const MERIDIAN = 'c-meridian-health';
/** A demo partner known elsewhere by this CRM id (seeds/demo/bundle.json). */
const ALIAS = { alias: 'crm-724647', id: 'p-alhambra-workplace' };
const FEDRAMP = 'cap-fedramp-hosting';

let server: TestServer;
let empty: TestServer;
let browser: Browser;

async function api<T>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  expect(response.ok, `${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

async function open(path = '/', base = server.url): Promise<Page & { errors: string[] }> {
  const page = (await browser.newPage({ viewport: VIEWPORT })) as Page & { errors: string[] };
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(`${base}${path}`);
  if (base === server.url) await waitForMap(page);
  return page;
}

/** The drawn labels' boxes, measured again from sigma's display data and the label font, and the pairs that overlap. */
async function labelClashes(page: Page): Promise<{ count: number; clashes: string[] }> {
  const boxes = (await page.evaluate(`(() => {
    const r = window.ecograph.renderer;
    const s = r.getSettings();
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = s.labelWeight + ' ' + s.labelSize + 'px ' + s.labelFont;
    return window.ecograph.labels().map(({ node }) => {
      const d = r.getNodeDisplayData(node);
      const p = r.framedGraphToViewport(d);
      return { node, x: p.x + r.scaleSize(d.size) + 3, y: p.y - s.labelSize / 2, w: ctx.measureText(d.label).width, h: s.labelSize };
    });
  })()`)) as Array<{ node: string; x: number; y: number; w: number; h: number }>;
  const clashes = boxes.flatMap((a, i) => boxes.slice(i + 1).filter((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).map((b) => `${a.node} × ${b.node}`));
  return { count: boxes.length, clashes };
}

beforeAll(async () => {
  await ensureWebBuild();
  [server, empty, browser] = await Promise.all([startServer(), startServer({ seed: 'none' }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.close(), empty?.close()]);
});

describe('the web app for a new user', () => {
  it('picking a customer in the deal builder fills in its needs, region and segment', async () => {
    const customer = await api<{ name: string; needs: string[]; region: string; segment: string }>(server.url, `/api/customers/${MERIDIAN}`);
    const capabilities = await api<{ items: Array<{ id: string; name: string }> }>(server.url, '/api/capabilities?limit=500');
    const page = await open('/?view=deals');
    await page.locator('#deal-customer input').fill(customer.name.slice(0, 8));
    const option = page.locator(`#deal-customer .search-results li[data-id="${MERIDIAN}"]`);
    await option.waitFor();
    await option.dispatchEvent('mousedown');
    await expect.poll(() => page.locator('#deal-region').inputValue()).toBe(customer.region);
    expect(await page.locator('#deal-segment').inputValue()).toBe(customer.segment);
    const names = customer.needs.map((id) => capabilities.items.find((c) => c.id === id)!.name);
    const chips = await page.locator('#deal-form .chip-strong').allTextContents();
    for (const name of names) expect(chips.some((chip) => chip.startsWith(name)), name).toBe(true);
    await page.screenshot({ path: screenshotPath('new-user-01-deal-customer.png') });
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it("the gap heat map's columns read apart without a tooltip: whole region names, none cut", async () => {
    const regions = await api<{ items: Array<{ id: string; name: string }> }>(server.url, '/api/regions');
    const page = await open('/?view=gaps');
    await page.locator('#heatmap td[data-demand]').first().waitFor({ timeout: 30_000 });
    const headers = await page.locator('#heatmap thead th span').evaluateAll((spans) =>
      spans.map((span) => ({ text: span.textContent, cut: span.scrollHeight > span.clientHeight + 1 || span.scrollWidth > span.clientWidth + 1 })),
    );
    expect(headers.map((h) => h.text).sort()).toEqual(regions.items.map((r) => r.name).sort());
    expect(headers.filter((h) => h.cut)).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-user-02-heatmap-columns.png') });
    await page.close();
  });

  it('a filter that matches nothing says so over the map, with a way back', async () => {
    const query = 'type=marketplace&region=latam&segment=public';
    expect((await api<{ totalNodes: number }>(server.url, `/api/map?${query}`)).totalNodes).toBe(0);
    const page = await open(`/?${query}`);
    await expect.poll(() => page.locator('#map-empty').textContent()).toContain('Nothing matches these filters');
    await page.screenshot({ path: screenshotPath('new-user-03-no-match.png') });
    await page.click('#map-empty-clear');
    await waitForMap(page);
    await expect.poll(() => page.locator('#map-empty').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('type')).toBeNull();
    await page.close();
  });

  it('switching views starts the panel at its top', async () => {
    const page = await open('/?view=gaps');
    await page.locator('#structural').waitFor({ timeout: 30_000 });
    await page.locator('#panel').evaluate((el) => (el.scrollTop = el.scrollHeight));
    expect(await page.locator('#panel').evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
    await page.click('#tab-health');
    await page.locator('#health-components').waitFor({ timeout: 30_000 });
    expect(await page.locator('#panel').evaluate((el) => el.scrollTop)).toBe(0);
    await page.close();
  });

  it('search finds a record by an alias from another system, and capabilities by name', async () => {
    const page = await open('/');
    await page.fill('#search-input', ALIAS.alias);
    await page.locator(`.search-results li[data-id="${ALIAS.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`.search-results li[data-id="${ALIAS.id}"]`).textContent()).toContain(`alias ${ALIAS.alias}`);

    await page.fill('#search-input', 'fedramp');
    const capability = page.locator(`.search-results li[data-id="${FEDRAMP}"]`);
    await capability.waitFor({ timeout: 10_000 });
    await capability.dispatchEvent('mousedown');
    await expect.poll(() => new URL(page.url()).searchParams.get('capability')).toBe(FEDRAMP);
    await page.close();
  });

  it('Enter pressed before the results arrive picks the first one', async () => {
    const first = (await api<{ results: Array<{ id: string }> }>(server.url, '/api/search?q=keystone&limit=8')).results[0]!.id;
    const page = await open('/');
    await page.fill('#search-input', 'keystone');
    await page.press('#search-input', 'Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('selected'), { timeout: 10_000 }).toBe(first);
    await page.close();
  });

  it('labels do not pile on top of each other at the default zoom', async () => {
    const page = await open('/');
    await page.waitForTimeout(500);
    const { count, clashes } = await labelClashes(page);
    expect(count).toBeGreaterThanOrEqual(5);
    expect(clashes).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-user-04-labels.png') });
    await page.close();
  });

  it("the overview's totals follow the filters", async () => {
    const whole = (await api<{ counts: { partners: number } }>(server.url, '/api/health')).counts;
    const map = await api<{ totalNodes: number; facets: Record<string, Record<string, number>> }>(server.url, '/api/map?region=latam');
    const partners = Object.values(map.facets['tier']!).reduce((a, b) => a + b, 0);
    const page = await open('/');
    await expect.poll(() => page.locator('[data-stat="partners"] strong').textContent()).toBe(whole.partners.toLocaleString('en-US'));
    await page.selectOption('#filter-region', 'latam');
    await waitForMap(page);
    await expect.poll(() => page.locator('[data-stat="partners"] strong').textContent()).toBe(String(partners));
    expect(await page.locator('[data-stat="partners"] span').textContent()).toBe(`partners of ${whole.partners}`);
    expect(await page.locator('[data-stat="customers"] strong').textContent()).toBe(String(map.totalNodes - partners));
    await page.close();
  });

  it('gap actions and health drivers read as names, with the ids on hover', async () => {
    const page = await open(`/?view=gaps&gapSegment=public&gapCapability=${FEDRAMP}&gapRegion=na-east`);
    const step = page.locator('#gap-cell .plan li').first();
    await step.waitFor({ timeout: 30_000 });
    const gap = (await api<{ gaps: Array<{ plan: Array<{ partnerId?: string; partnerName?: string }> }> }>(server.url, `/api/gaps?capability=${FEDRAMP}&region=na-east&segment=public`)).gaps[0]!;
    const planned = gap.plan[0]!;
    expect(await step.textContent()).toContain(planned.partnerName);
    expect(await step.getAttribute('title')).toContain(planned.partnerId);
    expect(await page.locator('#gap-cell .explain').textContent()).toContain('North America East');
    // The highlighted customers' labels do not pile up either.
    await page.waitForTimeout(1000);
    expect((await labelClashes(page)).clashes).toEqual([]);
    await page.screenshot({ path: screenshotPath('new-user-05-gap-plan.png') });

    await page.click('#tab-health');
    const coverage = page.locator('#health-components .component[data-key="coverage"] .chip').first();
    await coverage.waitFor({ timeout: 30_000 });
    expect(await coverage.textContent()).not.toContain('/api/');
    expect(await coverage.getAttribute('title')).toMatch(/^\/api\/gaps\?/);
    const connectivity = page.locator('#health-components .component[data-key="connectivity"] .chip').first();
    const id = (await connectivity.getAttribute('title'))!;
    const { name } = await api<{ name: string }>(server.url, `/api/partners/${id}`);
    expect(await connectivity.textContent()).toContain(name);
    await page.screenshot({ path: screenshotPath('new-user-06-health-drivers.png') });
    await coverage.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('gaps');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('an empty ecosystem greets the user with how to import, not an error', async () => {
    const page = await open('/', empty.url);
    await expect.poll(() => page.locator('#map-empty').textContent(), { timeout: 30_000 }).toContain('No partners yet');
    expect(await page.locator('#panel-empty').textContent()).toContain('import');
    expect(await page.locator('.state-error').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('new-user-07-empty.png') });
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
