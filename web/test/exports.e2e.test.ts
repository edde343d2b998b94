/**
 * Downloads from the web app, end to end: the real server on the demo
 * ecosystem, the built app, a real headless Chromium. The map's PNG is a
 * valid PNG of the map's size in device pixels, with the map drawn on it; the
 * panels' "Download CSV" buttons save the CSV the API gives for the same view.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitForMap } from './browser.js';
import { demoInBrowser } from './demo-in-browser.js';

const app = demoInBrowser();

/** Clicks `selector` and returns the file the page saves, with its suggested name. */
async function downloadOf(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.click(selector)]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

/** The bytes as served (Response.text() would drop the byte-order mark). */
const bytesOf = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('downloads', () => {
  it('saves the map view as a PNG of the map’s size, with the map on it', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${app.server.url}/`);
    await waitForMap(page);
    const size = await page.evaluate(() => {
      const map = document.querySelector<HTMLElement>('#map')!;
      return { width: map.clientWidth * devicePixelRatio, height: map.clientHeight * devicePixelRatio };
    });

    const { name, bytes } = await downloadOf(page, '#map-png');
    expect(name).toBe('ecograph-map.png');
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR, the first chunk: width and height, big-endian, at bytes 16 and 20.
    expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual(size);

    // Decoded by the browser: a valid image, and not just the background (the nodes are drawn on it).
    const colours = await page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const seen = new Set<number>();
      for (let i = 0; i < data.length && seen.size < 50; i += 4 * 7) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return seen.size;
    }, bytes.toString('base64'));
    expect(colours).toBeGreaterThan(5);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('saves the gaps and the tier evaluations as the API’s CSV', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await page.goto(`${app.server.url}/`);
    await waitForMap(page);

    await page.click('#tab-gaps');
    await page.locator('#gaps-csv').waitFor();
    const gaps = await downloadOf(page, '#gaps-csv');
    expect(gaps.name).toBe('gaps.csv');
    expect(gaps.bytes.equals(await bytesOf(`${app.server.url}/api/gaps?format=csv&limit=1000`))).toBe(true);
    expect(gaps.bytes.toString('utf8')).toMatch(/^\uFEFFrank,capability,capability name,region,region name,segment,segment name,/);

    await page.click('#tab-programs');
    await page.locator('#tier-evaluations-csv').waitFor();
    const tiers = await downloadOf(page, '#tier-evaluations-csv');
    expect(tiers.name).toBe('tier-evaluations.csv');
    expect(tiers.bytes.equals(await bytesOf(`${app.server.url}/api/tiers/evaluation?format=csv&track=resell`))).toBe(true);
    await page.close();
  });
});
