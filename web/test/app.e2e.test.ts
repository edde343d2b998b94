/**
 * The web app end to end: the real server on the embedded store with the demo
 * ecosystem, the built app, a real headless Chromium with WebGL. Each test
 * acts as a user would and checks what a user would see; screenshots land in
 * .screenshots/ for a human to look at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../../server/test/server.js';
import { drawnWebGLPixels, ensureWebBuild, launchBrowser, overlayPixels, screenshotPath, waitForMap } from './browser.js';

const VIEWPORT = { width: 1280, height: 720 };

// The demo ecosystem's planted stories (seeds/demo/STORIES.md).
const KEYSTONE = 'p-keystone-distribution';
const BRIGHTLINE = 'p-brightline-consulting';
const MERIDIAN = 'c-meridian-health';
const MERIDIAN_TEAM = ['p-nordic-channel', 'p-carewell-data', 'p-fjord-digital'];
const MERIDIAN_NEEDS = ['cap-clinical-data', 'cap-data-governance', 'cap-cloud-migration'];

let server: TestServer;
let browser: Browser;

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${server.url}${path}`);
  expect(response.ok, `${path} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

async function open(path = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${server.url}${path}`);
  await waitForMap(page);
  return page;
}

function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

const status = (page: Page, key: string) => page.locator('#statusbar').evaluate((el, k) => Number((el as HTMLElement).dataset[k] ?? NaN), key);

async function nodeDisplay(page: Page, id: string): Promise<{ color: string; zIndex: number; forceLabel: boolean; hidden: boolean } | null> {
  return page.evaluate(`(() => {
    const d = window.ecograph.renderer.getNodeDisplayData(${JSON.stringify(id)});
    return d === undefined ? null : { color: d.color, zIndex: d.zIndex, forceLabel: d.forceLabel, hidden: d.hidden };
  })()`);
}

beforeAll(async () => {
  await ensureWebBuild();
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web app, end to end on the demo ecosystem', () => {
  it('renders the whole ecosystem: sigma draws nodes and edges on WebGL, counts and legend agree with the API', async () => {
    const page = await open('/');
    const pixels = await drawnWebGLPixels(page);
    // Hundreds of nodes and over a thousand links cover a visible share of the canvas, not a stray dot.
    expect(pixels.nodes).toBeGreaterThan(pixels.total * 0.01);
    expect(pixels.edges).toBeGreaterThan(pixels.total * 0.01);

    const map = await api<{ nodes: Array<{ kind: string }> }>('/api/map');
    expect(await status(page, 'partners')).toBe(map.nodes.filter((n) => n.kind === 'partner').length);
    expect(await status(page, 'customers')).toBe(map.nodes.filter((n) => n.kind === 'customer').length);
    await expect.poll(() => page.locator('#legend-box li').count()).toBeGreaterThan(6);
    await page.screenshot({ path: screenshotPath('01-map-overview.png') });
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('search finds a demo partner, selects it, flies to it and shows its details from the API', async () => {
    const page = await open('/');
    const partner = await api<{ name: string; types: string[]; tier: string }>(`/api/partners/${KEYSTONE}`);
    await page.locator('#search-input').fill(partner.name.slice(0, 8));
    const option = page.locator(`.search-results li[data-id="${KEYSTONE}"]`);
    await option.waitFor();
    await option.dispatchEvent('mousedown');

    await expect.poll(() => page.locator('#details-name').textContent()).toBe(partner.name);
    for (const type of partner.types) await expect.poll(() => page.locator('#details-types').textContent()).toContain(type);
    expect(new URL(page.url()).searchParams.get('selected')).toBe(KEYSTONE);
    // The camera zoomed in on it, and the map highlights it with its neighbourhood.
    await expect.poll(() => page.evaluate('window.ecograph.renderer.getCamera().ratio')).toBeLessThan(0.9);
    await expect.poll(() => status(page, 'highlighted')).toBeGreaterThan(1);
    expect((await nodeDisplay(page, KEYSTONE))?.forceLabel).toBe(true);
    await expect.poll(() => page.locator('#details-metrics').textContent()).toContain('PageRank');
    await expect.poll(() => page.locator('#details-neighbours li').count()).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate('window.ecograph.renderer.getCamera().isAnimated()')).toBe(false);
    await page.screenshot({ path: screenshotPath('02-search-details.png') });
    await page.close();
  });

  it('a filter reloads the map in place and changes the visible node count', async () => {
    const page = await open('/');
    const before = await status(page, 'partners');
    await page.selectOption('#filter-type', 'technology');
    await expect.poll(() => status(page, 'partners')).not.toBe(before);
    await waitForMap(page);
    const after = await status(page, 'partners');
    const expected = await api<{ nodes: Array<{ kind: string }> }>('/api/map?type=technology');
    expect(after).toBe(expected.nodes.filter((n) => n.kind === 'partner').length);
    expect(after).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
    expect(new URL(page.url()).searchParams.get('type')).toBe('technology');
    expect((await drawnWebGLPixels(page)).nodes).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('03-filter-technology.png') });

    await page.click('#filters-clear');
    await expect.poll(() => status(page, 'partners')).toBe(before);
    await page.close();
  });

  it("lists a partner's introductions; hovering one draws the suggested link and highlights the shared customers", async () => {
    const page = await open(`/?selected=${KEYSTONE}`);
    const cards = page.locator('#introductions .intro-card');
    await cards.first().waitFor({ timeout: 30_000 });
    // The planted story: Brightline is Keystone's top introduction, on 14 shared customers.
    const top = cards.first();
    expect(await top.getAttribute('data-other')).toBe(BRIGHTLINE);
    expect(await top.textContent()).toContain('Shared customers');

    const overlayBefore = await overlayPixels(page);
    await top.hover();
    await expect.poll(() => page.locator('#status-highlight').textContent()).toContain('Introduce');
    const highlighted = await status(page, 'highlighted');
    expect(highlighted).toBeGreaterThanOrEqual(2 + 10); // both partners and (most of) the 14 shared customers
    expect((await nodeDisplay(page, BRIGHTLINE))?.color).toBe('#3ddc97');
    // The suggested link is drawn dashed on the overlay.
    await expect.poll(() => overlayPixels(page)).toBeGreaterThan(overlayBefore + 20);
    await page.screenshot({ path: screenshotPath('04-introduction-hover.png') });

    await page.mouse.move(5, 700);
    await expect.poll(() => page.locator('#status-highlight').textContent()).not.toContain('Introduce');

    // Clicking pins it and frames the pair with its evidence: the link is now long on screen.
    await top.click();
    await expect.poll(() => page.locator('#status-highlight').textContent()).toContain('Introduce');
    await page.mouse.move(5, 700);
    await expect.poll(() => overlayPixels(page)).toBeGreaterThan(overlayBefore + 150);
    await page.screenshot({ path: screenshotPath('05-introduction-pinned.png') });
    await page.close();
  });

  it('the deal builder assembles the planted team and highlights its members and links', async () => {
    const page = await open('/?view=deals');
    const customer = await api<{ name: string }>(`/api/customers/${MERIDIAN}`);
    await page.locator('#deal-customer input').fill(customer.name.slice(0, 8));
    const option = page.locator(`#deal-customer .search-results li[data-id="${MERIDIAN}"]`);
    await option.waitFor();
    await option.dispatchEvent('mousedown');
    // Picking the customer brings in its needs and region.
    await expect.poll(() => page.locator('#deal-region').inputValue()).toBe('emea-north');
    for (const cap of MERIDIAN_NEEDS) expect(await page.locator(`#deal-capability-add option[value="${cap}"]`).count()).toBe(0);
    for (const role of ['reseller', 'technology', 'service']) await page.locator('#deal-roles label').filter({ has: page.locator(`input[value="${role}"]`) }).click();
    await page.click('#deal-submit');

    const first = page.locator('#teams .team-card').first();
    await first.waitFor({ timeout: 30_000 });
    await page.mouse.move(5, 700); // results scroll into view under the pointer; a hovered card would preview its team
    const text = (await first.textContent()) ?? '';
    for (const id of MERIDIAN_TEAM) {
      const { name } = await api<{ name: string }>(`/api/partners/${id}`);
      expect(text).toContain(name);
      expect((await nodeDisplay(page, id))?.zIndex).toBe(3);
    }
    await expect.poll(() => status(page, 'highlighted')).toBeGreaterThanOrEqual(MERIDIAN_TEAM.length);
    await expect.poll(() => page.locator('#status-highlight').textContent()).toContain('Team 1');
    // The team's existing links are drawn over the map.
    await expect.poll(() => overlayPixels(page)).toBeGreaterThan(50);
    const url = new URL(page.url());
    expect(url.searchParams.get('dealCustomer')).toBe(MERIDIAN);
    expect(url.searchParams.getAll('dealCaps')).toEqual(MERIDIAN_NEEDS);
    await page.screenshot({ path: screenshotPath('06-deal-team.png') });
    await page.close();
  });

  it('the gaps view renders the coverage heat map; clicking the worst cell highlights customers and suppliers', async () => {
    const page = await open('/?view=gaps&gapSegment=public');
    const cells = page.locator('#heatmap td[data-demand]');
    await cells.first().waitFor({ timeout: 30_000 });
    expect(await cells.count()).toBeGreaterThan(5);

    // The planted zero-supply gap: FedRAMP hosting for public-sector customers in na-east.
    const cell = page.locator('#heatmap td[data-capability="cap-fedramp-hosting"][data-region="na-east"]');
    expect(Number(await cell.getAttribute('data-demand'))).toBeGreaterThanOrEqual(14);
    await cell.click();
    await expect.poll(() => page.locator('#gap-cell').textContent(), { timeout: 30_000 }).toMatch(/Recruit|Enable|Introduce/);
    await expect.poll(() => status(page, 'highlighted')).toBeGreaterThanOrEqual(14);
    await expect.poll(() => page.locator('#status-highlight').textContent()).toContain('Gap');
    // Brokers and single points of failure are ringed on the map.
    await expect.poll(() => overlayPixels(page)).toBeGreaterThan(100);
    await page.screenshot({ path: screenshotPath('07-gaps-heatmap.png') });
    await page.locator('#structural').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('08-gaps-structural.png') });
    await page.close();
  });

  it('the health view shows the score and its components from the API', async () => {
    const health = await api<{ score: number; components: Array<{ key: string }> }>('/api/ecosystem/health');
    const page = await open('/');
    await page.click('#health-chip');
    await expect.poll(() => page.locator('#health-score').textContent()).toBe(String(Math.round(health.score)));
    expect(await page.locator('#health-components .component').count()).toBe(health.components.length);
    expect(new URL(page.url()).searchParams.get('view')).toBe('health');
    await page.screenshot({ path: screenshotPath('09-health.png') });
    await page.close();
  });

  it('the reports view shows the ecosystem figures, quarters, and a deal split by every model side by side', async () => {
    type Report = { figures: Array<{ id: string; value: number }>; byQuarter: Array<{ quarter: string }> };
    const report = await api<Report>('/api/reports/ecosystem');
    const shapley = await api<{ shares: Array<{ partnerId: string; share: number }> }>('/api/deals/d-meridian-pilot/attribution?model=shapley');
    const page = await open('/');
    await page.click('#tab-reports');
    await page.waitForSelector('#report-figures');
    expect(await page.locator('#report-figures [data-figure]').count()).toBe(report.figures.length);
    const won = report.figures.find((f) => f.id === 'won-revenue')!.value;
    expect(await page.locator('#report-figures [data-figure="won-revenue"] strong').textContent()).toBe(won.toLocaleString('en-US'));
    expect(await page.locator('#report-quarters [data-quarter]').count()).toBe(report.byQuarter.length);
    await page.waitForSelector('#attribution-chart');
    await page.selectOption('#attribution-deal', 'd-meridian-pilot');
    await expect.poll(() => page.locator('#attribution-chart [data-partner]').count()).toBe(3);
    for (const share of shapley.shares) {
      const bar = page.locator(`#attribution-chart [data-partner="${share.partnerId}"] [data-model="shapley"]`);
      expect(Number(await bar.getAttribute('data-share'))).toBeCloseTo(share.share, 9);
    }
    const firstTouch = page.locator('#attribution-chart [data-partner="p-nordic-channel"] [data-model="first-touch"]');
    expect(await firstTouch.getAttribute('data-share')).toBe('1');
    expect(new URL(page.url()).searchParams.get('view')).toBe('reports');
    expect(pageErrors(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('10-reports.png'), fullPage: true });
    await page.close();
  });

  it('a link reproduces the view after a reload: filters, selection, ego network and camera', async () => {
    const page = await open(`/?region=emea-north&selected=${MERIDIAN_TEAM[0]}`);
    await page.locator('#ego-depth button[data-depth="2"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('focus')).toBe(MERIDIAN_TEAM[0]);
    await waitForMap(page);
    // The camera is written to the URL 400 ms after it settles: wait until the URL holds where it is now.
    const cameraInUrl = async () => {
      const cam = (await page.evaluate('window.ecograph.renderer.getCamera().getState()')) as { x: number; y: number; ratio: number };
      return new URL(page.url()).searchParams.get('cam') === `${cam.x.toFixed(4)},${cam.y.toFixed(4)},${cam.ratio.toFixed(4)}`;
    };
    await expect.poll(cameraInUrl, { timeout: 15_000 }).toBe(true);
    const link = page.url();
    const counts = [await status(page, 'partners'), await status(page, 'customers')];
    const camera = (await page.evaluate('window.ecograph.renderer.getCamera().getState()')) as { x: number; y: number; ratio: number };

    const again = await browser.newPage({ viewport: VIEWPORT });
    await again.goto(link);
    await waitForMap(again);
    expect(await again.locator('#filter-region').inputValue()).toBe('emea-north');
    await expect.poll(() => again.locator('#details-name').textContent()).toBe((await api<{ name: string }>(`/api/partners/${MERIDIAN_TEAM[0]}`)).name);
    expect(await again.locator('#crumb-focus').textContent()).toContain('2 hops');
    expect([await status(again, 'partners'), await status(again, 'customers')]).toEqual(counts);
    const restored = (await again.evaluate('window.ecograph.renderer.getCamera().getState()')) as typeof camera;
    expect(restored.ratio).toBeCloseTo(camera.ratio, 2);
    expect(restored.x).toBeCloseTo(camera.x, 2);
    await again.screenshot({ path: screenshotPath('10-ego-network-from-link.png') });
    await again.close();
    await page.close();
  });

  it('over the node budget, communities arrive as super-nodes that open on click and close from the breadcrumb', async () => {
    const page = await open('/?budget=10');
    await expect.poll(() => status(page, 'communities')).toBeGreaterThan(1);
    await page.screenshot({ path: screenshotPath('11-communities.png') });
    // Click the biggest super-node where sigma drew it.
    const target = (await page.evaluate(`(() => {
      const r = window.ecograph.renderer;
      const g = r.getGraph();
      const id = g.nodes().filter((n) => g.getNodeAttribute(n, 'community') >= 0).sort((a, b) => (g.getNodeAttribute(b, 'count') ?? 0) - (g.getNodeAttribute(a, 'count') ?? 0))[0];
      const p = r.graphToViewport(g.getNodeAttributes(id));
      const box = r.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y, community: g.getNodeAttribute(id, 'community') };
    })()`)) as { x: number; y: number; community: number };
    await page.mouse.click(target.x, target.y);
    await expect.poll(() => new URL(page.url()).searchParams.get('community')).toBe(String(target.community));
    await waitForMap(page);
    await expect.poll(() => page.locator('#crumb-community').textContent()).toContain(`Community ${target.community}`);
    await page.click('#crumb-root');
    await expect.poll(() => new URL(page.url()).searchParams.get('community')).toBeNull();
    await page.close();
  });

  it('shows API errors to the user instead of swallowing them', async () => {
    const page = await open('/?selected=no-such-partner');
    const alert = page.locator('#panel .state-error');
    await alert.waitFor({ timeout: 30_000 });
    // The server's ErrorResponse message, verbatim.
    expect(await alert.textContent()).toContain('no-such-partner');
    await page.close();

    // A map that cannot load says why over the map, with a way to retry.
    const broken = await browser.newPage({ viewport: VIEWPORT });
    await broken.goto(`${server.url}/?focus=no-such-partner`);
    const mapError = broken.locator('#map-overlay .state-error');
    await mapError.waitFor({ timeout: 30_000 });
    expect(await mapError.textContent()).toContain('no-such-partner');
    expect(await mapError.locator('button', { hasText: 'Retry' }).count()).toBe(1);
    await broken.screenshot({ path: screenshotPath('12-map-error.png') });
    await broken.close();
  });
});
