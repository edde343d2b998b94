/**
 * Map rendering benchmark: for generated ecosystems with about 5,000, 20,000
 * and 50,000 visible nodes, measures in headless Chromium (WebGL on
 * SwiftShader, i.e. no GPU) the time from navigation to the first rendered
 * map, and frames per second while a scripted camera pans and zooms.
 *
 *   npm run bench:map [-- --sizes 5000,20000,50000 --seconds 4 --breakdown]
 *
 * Each size gets its own server (the real app, fresh embedded store) loaded
 * through POST /api/import; the page asks /api/map for a node budget above
 * the size, so nothing is aggregated into communities.
 *
 * Beside frames per second, the CPU time Chromium's GPU process (where
 * SwiftShader rasterises and composites) spends per frame: on a shared
 * machine frames per second follow the load, CPU time per frame much less.
 * `--breakdown` also measures, in the same page, frames with edges and with
 * labels kept while moving, to show what each costs.
 *
 * The first map is timed from navigation by the page's own marks (see
 * web/src/map/controller.ts): /api/map answered, its JSON parsed and checked,
 * graph data built, the first frame (on maps of many links, their nodes), and
 * the frame with the links.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { generateBundle } from '../seeds/generate.js';
import { startServer } from '../server/test/server.js';
import type { Page } from 'playwright-core';
import { UNPACED_ARGS, ensureWebBuild, launchBrowser } from '../web/test/browser.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5000,20000,50000' },
    seconds: { type: 'string', default: '4' },
    /** Relationships per node: the 100,000-partner reference ecosystem has about 3.3. */
    density: { type: 'string', default: '2.5' },
    breakdown: { type: 'boolean', default: false },
  },
});

const sizes = values.sizes.split(',').map(Number);
const phaseMs = (Number(values.seconds) * 1000) / 2;

interface Frames {
  pan: number;
  zoom: number;
  frames: number;
  /** CPU milliseconds of Chromium's GPU process per frame drawn. */
  gpuMs?: number;
  /** Main-thread time sigma spends per frame (labels, WebGL calls): what bounds FPS where there is a GPU. */
  renderMs: number;
  edgesHidden: boolean;
}

interface Row {
  target: number;
  nodes: number;
  edges: number;
  importS: number;
  apiMapMs: number;
  firstRenderMs: number;
  /** Milliseconds from navigation: /api/map's answer received, then the page's marks of the first load. */
  firstMap: Record<'answered' | 'parsed' | 'data' | 'frame' | 'linked', number>;
  paced: Frames;
  unpaced: Frames;
  /** `--breakdown`: the same camera script with edges, labels, or both kept while moving. */
  breakdown: Array<{ variant: string; frames: Frames }>;
  /** One-minute load average when the frames were counted: other work on the machine skews FPS. */
  load: number;
}

/**
 * Runs in the page: animates the camera for `ms` per phase and counts the
 * frames sigma actually rendered (afterRender), not just animation callbacks.
 * A string, so no transpiler helper leaks into the page.
 */
const CAMERA_SCRIPT = (ms: number) => `(async () => {
  const renderer = window.ecograph.renderer;
  const camera = renderer.getCamera();
  let frames = 0;
  let renderStart = 0;
  let renderMs = 0;
  const before = () => { renderStart = performance.now(); };
  const count = () => { frames += 1; renderMs += performance.now() - renderStart; };
  renderer.on('beforeRender', before);
  renderer.on('afterRender', count);
  const phase = async (steps) => {
    frames = 0;
    const started = performance.now();
    for (const step of steps) await camera.animate(step, { duration: ${ms} / steps.length, easing: 'linear' });
    return frames / ((performance.now() - started) / 1000);
  };
  camera.setState({ x: 0.5, y: 0.5, ratio: 1, angle: 0 });
  renderMs = 0;
  const pan = await phase([{ x: 0.3 }, { x: 0.7 }, { y: 0.3 }, { x: 0.5, y: 0.5 }]);
  const panFrames = frames;
  const zoom = await phase([{ ratio: 0.25 }, { ratio: 1 }, { ratio: 0.1 }, { ratio: 1 }]);
  renderer.off('beforeRender', before);
  renderer.off('afterRender', count);
  return { pan, zoom, frames: panFrames + frames, renderMs: renderMs / Math.max(1, panFrames + frames), edgesHidden: renderer.getSetting('hideEdgesOnMove') };
})()`;

/** What `--breakdown` keeps while moving, by sigma's settings in the page. */
const VARIANTS: Record<string, string> = {
  'edges kept': `r.setSetting('hideEdgesOnMove', false);`,
  'labels kept': `r.setSetting('hideLabelsOnMove', false);`,
  'both kept': `r.setSetting('hideEdgesOnMove', false); r.setSetting('hideLabelsOnMove', false);`,
};

/** CPU milliseconds used so far by this process's Chromium GPU processes (from /proc: Linux only). */
function gpuProcessCpuMs(): number {
  const parents = new Map<number, number>();
  const gpu: Array<{ pid: number; ms: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('--type=gpu-process')) gpu.push({ pid: Number(entry), ms: (Number(fields[11]) + Number(fields[12])) * 10 });
    } catch {
      // The process ended while being read.
    }
  }
  const mine = (pid: number) => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return true;
    return false;
  };
  return gpu.filter((g) => mine(g.pid)).reduce((sum, g) => sum + g.ms, 0);
}

async function frames(page: Page, setup = ''): Promise<Frames> {
  if (setup !== '') await page.evaluate(`(() => { const r = window.ecograph.renderer; ${setup} r.refresh(); })()`);
  const before = gpuProcessCpuMs();
  const result = (await page.evaluate(CAMERA_SCRIPT(phaseMs))) as Frames;
  return { ...result, gpuMs: (gpuProcessCpuMs() - before) / Math.max(1, result.frames) };
}

async function measure(target: number): Promise<Row> {
  const partners = Math.round(target / 3);
  const customers = target - partners;
  const bundle = generateBundle({ partners, customers, relationships: Math.round(target * Number(values.density)), seed: 42 });
  const server = await startServer({ seed: 'none' });
  try {
    let started = performance.now();
    const imported = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bundle) });
    if (!imported.ok) throw new Error(`scripts/bench-map-fps: import of ${target} nodes failed: ${imported.status} ${await imported.text()}`);
    const importS = (performance.now() - started) / 1000;

    // Let the server settle its layout (it answers meanwhile with provisional positions).
    const budget = Math.min(100_000, Math.ceil(target * 1.2));
    started = performance.now();
    for (;;) {
      const map = (await (await fetch(`${server.url}/api/map?budget=${budget}`)).json()) as { layoutPending: boolean; aggregated: boolean };
      if (map.aggregated) throw new Error(`scripts/bench-map-fps: the map is aggregated at budget ${budget}`);
      if (!map.layoutPending || performance.now() - started > 180_000) break;
      await new Promise((r) => setTimeout(r, 2000));
    }

    const open = async (extraArgs: readonly string[]) => {
      const browser = await launchBrowser(extraArgs);
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(`${server.url}/?budget=${budget}`);
      // The tests' waitForMap gives up after 30 s; a 50,000-node page on a loaded machine may take longer.
      await page.waitForSelector('#map[data-ready]', { timeout: 300_000 });
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#statusbar')?.dataset['loading'] === 'false', null, { timeout: 300_000 });
      return { browser, page };
    };
    const paced = await open([]);
    let first: Omit<Row, 'unpaced'>;
    try {
      const { page } = paced;
      const firstRenderMs = Number(await page.locator('#map').getAttribute('data-first-render-ms'));
      const apiMapMs = (await page.evaluate(
        `Math.round(performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/map')).map((e) => e.duration).pop() ?? NaN)`,
      )) as number;
      const firstMap = (await page.evaluate(`(() => {
        const mark = (name) => Math.round(performance.getEntriesByName(name, 'mark')[0]?.startTime ?? NaN);
        const answered = Math.round(performance.getEntriesByType('resource').find((e) => e.name.includes('/api/map'))?.responseEnd ?? NaN);
        return { answered, parsed: mark('map:response'), data: mark('map:data'), frame: mark('map:frame'), linked: mark('map:linked') };
      })()`)) as Row['firstMap'];
      const nodes = Number(await page.locator('#statusbar').getAttribute('data-partners')) + Number(await page.locator('#statusbar').getAttribute('data-customers'));
      const edges = (await page.evaluate('window.ecograph.renderer.getGraph().size')) as number;
      const load = loadavg()[0] ?? 0;
      const pacedFrames = await frames(page);
      const breakdown: Row['breakdown'] = [];
      if (values.breakdown) {
        const shipped = (await page.evaluate(`['hideEdgesOnMove', 'hideLabelsOnMove'].map((k) => window.ecograph.renderer.getSetting(k))`)) as [boolean, boolean];
        const restore = `r.setSetting('hideEdgesOnMove', ${shipped[0]}); r.setSetting('hideLabelsOnMove', ${shipped[1]});`;
        for (const [variant, setup] of Object.entries(VARIANTS)) breakdown.push({ variant, frames: await frames(page, restore + setup) });
      }
      first = { target, nodes, edges, importS, apiMapMs, firstRenderMs, firstMap, paced: pacedFrames, breakdown, load };
    } finally {
      await paced.browser.close();
    }
    const unpaced = await open(UNPACED_ARGS);
    try {
      return { ...first, unpaced: await frames(unpaced.page) };
    } finally {
      await unpaced.browser.close();
    }
  } finally {
    await server.close();
  }
}

await ensureWebBuild();
const rows: Row[] = [];
for (const size of sizes) {
  console.log(`measuring ~${size.toLocaleString('en')} visible nodes …`);
  const row = await measure(size);
  rows.push(row);
  // Each size as it is measured, so a later failure keeps the figures.
  console.log(JSON.stringify(row));
}

const header = ['target', 'nodes', 'edges', 'import s', '/api/map ms', 'load→map ms', 'pan fps', 'zoom fps', 'unpaced pan/zoom fps', 'JS ms/frame', 'GPU proc. CPU ms/frame', 'edges moving', 'load avg'];
const table = rows.map((r) => [
  r.target.toLocaleString('en'),
  r.nodes.toLocaleString('en'),
  r.edges.toLocaleString('en'),
  r.importS.toFixed(1),
  String(r.apiMapMs),
  String(Math.round(r.firstRenderMs)),
  r.paced.pan.toFixed(1),
  r.paced.zoom.toFixed(1),
  `${r.unpaced.pan.toFixed(1)} / ${r.unpaced.zoom.toFixed(1)}`,
  r.paced.renderMs.toFixed(1),
  `${(r.paced.gpuMs ?? NaN).toFixed(0)} (unpaced ${(r.unpaced.gpuMs ?? NaN).toFixed(0)})`,
  r.paced.edgesHidden ? 'hidden' : 'drawn',
  r.load.toFixed(1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join(' │ ');
console.log(`\nheadless Chromium, WebGL on SwiftShader (software, no GPU), 1280×720 viewport, ${cpus().length} CPUs`);
console.log('fps: frames sigma rendered per second while the camera pans / zooms; unpaced: vsync off (see UNPACED_ARGS)');
console.log(line(header));
console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
for (const row of table) console.log(line(row));
console.log('\nfirst map, ms from navigation: /api/map answered → JSON parsed and checked → graph data → first frame (nodes first on maps of over 2,000 links) → links drawn');
for (const r of rows) {
  const f = r.firstMap;
  console.log(`${r.target.toLocaleString('en').padStart(7)}  ${f.answered} → ${f.parsed} → ${f.data} → ${f.frame} → ${f.linked}`);
}
if (values.breakdown) {
  console.log('\nbreakdown (paced, same page): what keeping edges / labels on screen while moving costs');
  for (const r of rows) {
    const cell = (f: Frames) => `${f.pan.toFixed(1)} / ${f.zoom.toFixed(1)} fps, GPU process ${(f.gpuMs ?? NaN).toFixed(0)} ms/frame`;
    console.log(`${r.target.toLocaleString('en').padStart(7)}  as shipped: ${cell(r.paced)}`);
    for (const b of r.breakdown) console.log(`${''.padStart(7)}  ${b.variant}: ${cell(b.frames)}`);
  }
}
