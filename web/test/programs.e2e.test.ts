/**
 * The Programs view end to end: the real server on the demo ecosystem, the
 * built app, a real headless Chromium. A user opens the view, reads the
 * funnel, filters the mis-tiered partners and finds the planted stories.
 */
import { describe, expect, it } from 'vitest';
import { STORY_IDS } from '../../seeds/demo/build.js';
import { screenshotPath, waitForMap } from './browser.js';
import { demoInBrowser } from './demo-in-browser.js';

const app = demoInBrowser();

describe('the Programs view', () => {
  it('shows the tiers, the funnel as the API counts it, the stalled partner and the mis-tiered ones, filterable', async () => {
    const { underTiered, overTiered, stalled } = STORY_IDS.programmes;
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.server.url}/`);
    await waitForMap(page);
    await page.click('#tab-programs');
    await page.locator('#programs-funnel').waitFor();

    expect(await page.locator('#programs-track').inputValue()).toBe('resell');
    expect(await page.locator('#programs-tiers [data-tier]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset['tier']))).toEqual(['registered', 'silver', 'gold', 'platinum']);
    const funnel = (await (await fetch(`${app.server.url}/api/lifecycle/funnel?track=resell`)).json()) as { stages: Array<{ stage: string; count: number }> };
    const drawn = await page.locator('#programs-funnel .funnel-stage').evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset['stage']}:${(el as HTMLElement).dataset['count']}`));
    expect(drawn).toEqual(funnel.stages.map((s) => `${s.stage}:${s.count}`));
    await expect.poll(() => page.locator(`#programs-funnel [data-stage="${stalled.stage}"] .stalled-partner[data-partner="${stalled.partner}"]`).count()).toBe(1);

    await page.selectOption('#programs-status', 'under-tiered');
    const under = page.locator(`#programs-mis-tiered .tier-row[data-partner="${underTiered.partner}"]`);
    await expect.poll(() => under.count()).toBe(1);
    expect(await page.locator('#programs-mis-tiered .tier-row').evaluateAll((els) => els.every((el) => (el as HTMLElement).dataset['status'] === 'under-tiered'))).toBe(true);
    await page.screenshot({ path: screenshotPath('programs-resell.png'), fullPage: true });

    await page.selectOption('#programs-track', overTiered.track);
    await expect.poll(() => page.locator('#programs-track').inputValue()).toBe(overTiered.track);
    await page.selectOption('#programs-status', 'over-tiered');
    const over = page.locator(`#programs-mis-tiered .tier-row[data-partner="${overTiered.partner}"]`);
    await expect.poll(() => over.count()).toBe(1);
    expect(await over.textContent()).toContain('certifiedCapabilities 0 of 3');
    expect(errors).toEqual([]);
    await page.close();
  });
});
