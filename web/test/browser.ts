/**
 * Shared by the end-to-end tests and the map benchmark: a headless Chromium
 * with WebGL (SwiftShader), a fresh build of the web app, and a way to count
 * what sigma actually drew on its WebGL canvases.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Chromium has no GPU here: ANGLE on SwiftShader gives WebGL 2 in
 * software. `--enable-unsafe-swiftshader` is required since Chromium 137 for
 * SwiftShader to back WebGL; the rest keeps the browser quiet and offline.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, '.screenshots');
const DIST_INDEX = join(ROOT, 'dist/web/index.html');

/**
 * For frame-rate measurements only: headless Chromium paces frames by a
 * virtual vsync, and when SwiftShader misses its deadlines the cadence
 * collapses to a few frames per second (measured: 2.4 fps paced, 11 fps
 * unpaced, same page). Unpaced frames show what rendering itself costs.
 */
export const UNPACED_ARGS = ['--disable-gpu-vsync', '--disable-frame-rate-limit'];

export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `web/test: no Chromium at ${CHROMIUM_PATH}. The end-to-end tests drive a real browser: install it with ` +
        '`apt-get update && apt-get install -y chromium fonts-dejavu-core` (.ci/run does).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Builds dist/web with Vite when it is missing or older than the sources it comes from. */
export async function ensureWebBuild(): Promise<void> {
  const sources = Math.max(newestMtime(join(ROOT, 'web/index.html')), newestMtime(join(ROOT, 'web/src')), newestMtime(join(ROOT, 'server/schemas')), newestMtime(join(ROOT, 'vite.config.ts')));
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), root: join(ROOT, 'web'), logLevel: 'warn' });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, name);
}

/** Waits until the map has loaded data and nothing is loading. */
export async function waitForMap(page: Page): Promise<void> {
  await page.waitForSelector('#map[data-ready]', { timeout: 30_000 });
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#statusbar')?.dataset['loading'] === 'false', null, { timeout: 30_000 });
}

/**
 * In-page scripts are strings: transpilers (tsx, vitest) may wrap named
 * functions in helpers that do not exist inside the page.
 */
const COUNT_ALPHA = `(canvas) => {
  if (!canvas) return 0;
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const ctx = copy.getContext('2d');
  ctx.drawImage(canvas, 0, 0);
  const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
  return n;
}`;

/**
 * Pixels sigma drew on its WebGL layers (nodes and edges). Read right after a
 * synchronous render, while the drawing buffer is still intact, so no
 * `preserveDrawingBuffer` is needed. Counts non-transparent pixels.
 */
export async function drawnWebGLPixels(page: Page): Promise<{ nodes: number; edges: number; total: number }> {
  return page.evaluate(`(() => {
    const count = ${COUNT_ALPHA};
    const renderer = window.ecograph.renderer;
    const canvases = renderer.getCanvases();
    let result = { nodes: 0, edges: 0, total: 0 };
    renderer.once('afterRender', () => {
      result = { nodes: count(canvases.nodes), edges: count(canvases.edges), total: canvases.nodes.width * canvases.nodes.height };
    });
    renderer.refresh();
    return result;
  })()`);
}

/** Non-transparent pixels on the 2D overlay (suggested links, team links, risk rings). */
export async function overlayPixels(page: Page): Promise<number> {
  return page.evaluate(`(${COUNT_ALPHA})(document.querySelector('canvas.sigma-ecograph-overlay'))`);
}
