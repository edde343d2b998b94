/**
 * The map while the camera moves, end to end on a generated ecosystem big
 * enough (1,500 nodes, thousands of links) for edges and labels to be hidden
 * mid-move: they are gone during the move and back in sigma's still frame
 * after it, hover works again after a move (the picking pass skipped
 * mid-move is redrawn), and a changed node reaches the screen (the instance
 * buffers, no longer uploaded every frame, are uploaded after a change). A
 * map this big shows its nodes a frame before its links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateBundle } from '../../seeds/generate.js';
import { startServer, type TestServer } from '../../server/test/server.js';
import { drawnWebGLPixels, ensureWebBuild, launchBrowser, screenshotPath, waitForMap } from './browser.js';

let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureWebBuild();
  [server, browser] = await Promise.all([startServer({ seed: 'none' }), launchBrowser()]);
  const bundle = generateBundle({ partners: 500, customers: 1000, relationships: 4000, seed: 7 });
  const imported = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
  expect(imported.status).toBe(200);
  // The final layout first, so no refined positions swap in mid-test.
  for (let waited = 0; ; waited += 1000) {
    const map = (await (await fetch(`${server.url}/api/map?budget=5000`)).json()) as { layoutPending: boolean };
    if (!map.layoutPending) break;
    if (waited > 120_000) throw new Error('web/test/map-moving: the layout did not settle in 2 minutes');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${server.url}/?budget=5000`);
  await waitForMap(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const LAYERS = `['edges', 'labels', 'hovers', 'hoverNodes'].map((k) => window.ecograph.renderer.getCanvases()[k].style.visibility)`;
const nextFrames = `new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))`;

/** The biggest node's position on the page, in CSS pixels. */
async function biggestNodeOnPage(p: Page): Promise<{ id: string; x: number; y: number }> {
  const box = await p.locator('#map').boundingBox();
  const node = (await p.evaluate(`(() => {
    const r = window.ecograph.renderer;
    let best = null;
    r.getGraph().forEachNode((id) => {
      const d = r.getNodeDisplayData(id);
      const v = r.framedGraphToViewport(d);
      if (v.x < 20 || v.y < 20 || v.x > r.getDimensions().width - 20 || v.y > r.getDimensions().height - 20) return;
      if (best === null || d.size > best.size) best = { id, size: d.size, x: v.x, y: v.y };
    });
    return best;
  })()`)) as { id: string; x: number; y: number };
  return { id: node.id, x: box!.x + node.x, y: box!.y + node.y };
}

async function hovered(p: Page, at: { x: number; y: number }): Promise<string> {
  await p.mouse.move(at.x + 40, at.y + 40);
  await p.mouse.move(at.x, at.y, { steps: 3 });
  return p.evaluate(`window.ecograph.renderer.getContainer().style.cursor`);
}

describe('the map while the camera moves (above the sizes that hide edges and labels on move)', () => {
  it('draws a big new map: its nodes in the first frame, its links in the next, ready with all of them', async () => {
    const api = (await (await fetch(`${server.url}/api/map?budget=5000`)).json()) as { nodes: unknown[]; edges: unknown[] };
    const seen = (await page.evaluate(`(() => {
      const links = (name) => performance.getEntriesByName(name, 'mark').map((m) => ({ at: m.startTime, links: m.detail.links }));
      const r = window.ecograph.renderer;
      return { order: r.getGraph().order, size: r.getGraph().size, frame: links('map:frame'), linked: links('map:linked') };
    })()`)) as { order: number; size: number; frame: Array<{ at: number; links: number }>; linked: Array<{ at: number; links: number }> };
    expect(seen.order).toBe(api.nodes.length);
    expect(seen.size).toBeGreaterThan(2_000);
    expect(seen.size).toBeLessThanOrEqual(api.edges.length);
    expect(seen.frame).toEqual([{ at: expect.any(Number), links: 0 }]);
    expect(seen.linked).toEqual([{ at: expect.any(Number), links: seen.size }]);
    expect(seen.linked[0]!.at).toBeGreaterThan(seen.frame[0]!.at);
  });

  it('draws nodes alone mid-move and everything again in the still frame after it', async () => {
    const settings = await page.evaluate(`[window.ecograph.renderer.getSetting('hideEdgesOnMove'), window.ecograph.renderer.getSetting('hideLabelsOnMove'), window.ecograph.renderer.getGraph().size]`);
    expect(settings).toEqual([true, true, expect.any(Number)]);
    // Zoomed in enough for nodes to pass the label size threshold.
    await page.evaluate(`window.ecograph.renderer.getCamera().setState({ x: 0.5, y: 0.5, ratio: 0.3 })`);
    await page.evaluate(nextFrames);
    const still = await drawnWebGLPixels(page);
    expect(still.edges).toBeGreaterThan(still.total * 0.01);
    expect(await page.evaluate(`window.ecograph.labels().length`)).toBeGreaterThan(0);

    await page.evaluate(`(() => { window.moveDone = window.ecograph.renderer.getCamera().animate({ x: 0.55, ratio: 0.25 }, { duration: 4000, easing: 'linear' }); return true; })()`);
    await page.evaluate(nextFrames);
    const mid = await drawnWebGLPixels(page);
    expect(mid.nodes).toBeGreaterThan(0);
    expect(mid.edges).toBe(0);
    expect(await page.evaluate(`window.ecograph.labels().length`)).toBe(0);
    expect(await page.evaluate(LAYERS)).toEqual(['hidden', 'hidden', 'hidden', 'hidden']);

    await page.evaluate(`window.moveDone`);
    await page.evaluate(nextFrames);
    // Sigma's own frame after the move, not one this test asked for.
    expect(await page.evaluate(LAYERS)).toEqual(['', '', '', '']);
    expect(await page.evaluate(`window.ecograph.labels().length`)).toBeGreaterThan(0);
    expect((await drawnWebGLPixels(page)).edges).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('map-after-move.png') });
  });

  it('finds the node under the mouse after an animated move and after a drag', async () => {
    await page.evaluate(`window.ecograph.renderer.getCamera().animate({ ratio: 0.5, x: 0.5, y: 0.5 }, { duration: 300 })`);
    await page.evaluate(nextFrames);
    expect(await hovered(page, await biggestNodeOnPage(page))).toBe('pointer');

    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 300);
    await page.mouse.down();
    await page.mouse.move(box.x + 380, box.y + 340, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(`window.ecograph.renderer.getCanvases().edges.style.visibility === ''`);
    await page.evaluate(`new Promise((resolve) => setTimeout(resolve, 600))`);
    expect(await hovered(page, await biggestNodeOnPage(page))).toBe('pointer');
  });

  it('shows a node changed after the buffers were uploaded', async () => {
    const node = await biggestNodeOnPage(page);
    const box = (await page.locator('#map').boundingBox())!;
    const colour = await page.evaluate(`new Promise((resolve) => {
      const r = window.ecograph.renderer;
      r.once('afterRender', () => {
        const copy = document.createElement('canvas');
        copy.width = r.getCanvases().nodes.width;
        copy.height = r.getCanvases().nodes.height;
        const c = copy.getContext('2d');
        c.drawImage(r.getCanvases().nodes, 0, 0);
        resolve(Array.from(c.getImageData(${Math.round(node.x - box.x)}, ${Math.round(node.y - box.y)}, 1, 1).data));
      });
      r.getGraph().setNodeAttribute(${JSON.stringify(node.id)}, 'color', '#ff0000');
      r.refresh();
    })`);
    expect(colour).toEqual([255, 0, 0, 255]);
  });
});
