/**
 * The Solutions view, a customer's solution fits and a deal's attribution end
 * to end: the real server on the demo ecosystem, the built app, a real
 * headless Chromium. A user finds the planted broken and at-risk solutions,
 * reads why, opens a member on the map; on a customer, asks for the
 * solutions that fit and opens a deal to compare attribution models.
 */
import { describe, expect, it } from 'vitest';
import { ATTRIBUTION_STORY, STORY_IDS } from '../../seeds/demo/build.js';
import { SOLUTION_STORY } from '../../seeds/demo/solutions.js';
import { ATTRIBUTION_MODELS } from '../../server/schemas/attribution.js';
import { screenshotPath, waitForMap } from './browser.js';
import { demoInBrowser } from './demo-in-browser.js';

const app = demoInBrowser();
const get = async <T>(path: string) => (await (await fetch(app.server.url + path)).json()) as T;

describe('the Solutions view', () => {
  it('shows every solution with the status the API gives, filters by status, explains a broken one and opens a member', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.server.url}/`);
    await waitForMap(page);
    await page.click('#tab-solutions');
    await page.locator('#solutions-list .solution-row').first().waitFor();

    const listed = await get<{ items: Array<{ id: string; status: string }> }>('/api/solutions?limit=500');
    const drawn = await page.locator('#solutions-list .solution-row').evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset['solution']}:${(el as HTMLElement).dataset['status']}`));
    expect(drawn).toEqual(listed.items.map((s) => `${s.id}:${s.status}`));
    expect(drawn).toContain(`${SOLUTION_STORY.broken}:broken`);
    expect(drawn).toContain(`${SOLUTION_STORY.atRisk}:at-risk`);

    await page.selectOption('#solutions-status', 'broken');
    await expect.poll(() => page.locator('#solutions-list .solution-row').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset['solution']))).toEqual([SOLUTION_STORY.broken]);
    const row = page.locator(`.solution-row[data-solution="${SOLUTION_STORY.broken}"]`);
    await row.locator('.solution-toggle').click();
    const failed = row.locator('.solution-checks li[data-ok="false"]');
    await failed.first().waitFor();
    expect(await failed.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset['check']))).toEqual(['members-integrated']);
    expect(await failed.textContent()).toContain('integrates with or is implemented by');
    await page.screenshot({ path: screenshotPath('solutions-broken.png'), fullPage: true });

    const member = row.locator('.solution-members button').first();
    const memberId = await member.getAttribute('data-partner');
    await member.click();
    await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('selected'))).toBe(memberId);
    await page.locator('#details-name').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("a customer's details", () => {
  it('lists the solutions that fit it, with evidence, and a deal’s attribution under every model as bars', async () => {
    // Story j's won deal with three partners, at story e's customer.
    const { customer } = STORY_IDS.dealTeam;
    const { deal } = ATTRIBUTION_STORY;
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.server.url}/?selected=${customer}`);
    await waitForMap(page);
    await page.locator('#find-solutions').click();
    await page.locator('#customer-solutions').waitFor();
    const fits = await get<{ items: Array<{ solutionId: string; score: number; evidence: { needsCovered: string[] } }> }>(`/api/customers/${customer}/solutions`);
    expect(fits.items.length).toBeGreaterThan(0);
    expect(await page.locator('#customer-solutions .solution-fit').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset['solution']))).toEqual(fits.items.map((f) => f.solutionId));
    expect(await page.locator('#customer-solutions .solution-fit').first().textContent()).toContain(fits.items[0]!.evidence.needsCovered[0]!);

    const dealRow = page.locator(`#customer-deals .deal-row[data-deal="${deal}"]`);
    await dealRow.locator('summary').click();
    await dealRow.locator('#attribution-chart').waitFor();
    await page.screenshot({ path: screenshotPath('customer-deal-attribution.png'), fullPage: true });
    for (const model of ATTRIBUTION_MODELS) {
      const answer = await get<{ shares: Array<{ partnerId: string; share: number }> }>(`/api/deals/${deal}/attribution?model=${model}`);
      for (const s of answer.shares) {
        const bar = dealRow.locator(`[data-partner="${s.partnerId}"] .attribution-bar[data-model="${model}"]`);
        expect(Number(await bar.getAttribute('data-share'))).toBeCloseTo(s.share, 6);
      }
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
