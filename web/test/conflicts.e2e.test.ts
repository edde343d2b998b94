/**
 * The Conflicts inbox end to end: the real server on the demo ecosystem, the
 * built app, a real headless Chromium. A user opens the inbox, reads the
 * planted conflicts, resolves one by first registration and one by manual
 * shares (after a refused attempt), and finds both in the resolved history.
 */
import { describe, expect, it } from 'vitest';
import { CONFLICT_STORY } from '../../seeds/demo/conflicts.js';
import { screenshotPath, waitForMap } from './browser.js';
import { demoInBrowser } from './demo-in-browser.js';

const app = demoInBrowser();

interface ApiConflict {
  id: string;
  kind: string;
  deals: string[];
  partners: string[];
}

describe('the Conflicts inbox', () => {
  it('lists the open conflicts, resolves them by a policy and by manual shares, and shows the history with its audit', async () => {
    const apiList = (await (await fetch(`${app.server.url}/api/conflicts?limit=1000`)).json()) as { conflicts: ApiConflict[] };
    const duplicate = apiList.conflicts.find((c) => c.kind === 'duplicate-registration' && c.deals.includes(CONFLICT_STORY.duplicate.deals[0]!))!;
    const channel = apiList.conflicts.find((c) => c.kind === 'channel-conflict' && c.deals.includes(CONFLICT_STORY.channel.deal))!;

    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.server.url}/`);
    await waitForMap(page);
    await page.click('#tab-conflicts');
    await page.locator('#conflicts-list').waitFor();

    const listed = () => page.locator('#conflicts-list .conflict').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset['id']));
    expect(await listed()).toEqual(apiList.conflicts.map((c) => c.id));
    const card = page.locator(`.conflict[data-id="${duplicate.id}"]`);
    expect(await card.locator('.evidence').textContent()).toContain('inside the 90-day protection window');
    await page.screenshot({ path: screenshotPath('conflicts-open.png'), fullPage: true });

    await page.selectOption('#conflicts-kind', 'duplicate-registration');
    await expect.poll(listed).toEqual([duplicate.id]);
    await card.locator('.resolve-policy').selectOption('first-registered');
    await card.locator('.resolve-note').fill('the earlier registration stands');
    await card.locator('.resolve-button').click();
    await expect.poll(listed).toEqual([]);

    await page.selectOption('#conflicts-kind', 'channel-conflict');
    const channelCard = page.locator(`.conflict[data-id="${channel.id}"]`);
    await channelCard.waitFor();
    await channelCard.locator('.resolve-policy').selectOption('manual');
    const [first, second] = channel.partners;
    await channelCard.locator(`.manual-shares input[data-partner="${first}"]`).fill('60');
    await channelCard.locator(`.manual-shares input[data-partner="${second}"]`).fill('30');
    await channelCard.locator('.resolve-button').click();
    await expect.poll(() => channelCard.locator('.resolve-message').textContent()).toContain('body.shares');
    await channelCard.locator(`.manual-shares input[data-partner="${second}"]`).fill('40');
    await channelCard.locator('.resolve-button').click();
    await expect.poll(() => page.locator(`.conflict[data-id="${channel.id}"]`).count()).toBe(0);

    await page.selectOption('#conflicts-status', 'resolved');
    await page.selectOption('#conflicts-kind', '');
    await expect.poll(listed).toEqual([channel.id, duplicate.id]);
    expect(await page.locator(`.conflict[data-id="${duplicate.id}"] .audit`).textContent()).toMatch(/Resolved by local on .* policy first-registered: “the earlier registration stands”/);
    expect(await page.locator(`.conflict[data-id="${channel.id}"] .audit-after`).textContent()).toMatch(/60%.*40%/);
    await page.screenshot({ path: screenshotPath('conflicts-resolved.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
