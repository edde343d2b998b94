/** Layout positions are computed once, in the background, and survive a restart. */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { startServer } from '../../test/server.js';
import { itStore, tempDir } from '../../test/stores.js';

const parent = tempDir();
// Not there yet: on Neo4j no store file creates DATA_DIR, the layout has to.
const dataDir = path.join(parent, 'data');
afterAll(() => rmSync(parent, { recursive: true, force: true }));

type MapNode = { id: string; x: number; y: number };
const positions = (nodes: MapNode[]) => Object.fromEntries(nodes.map((n) => [n.id, [n.x, n.y]]));

itStore('refines the layout in the background, then reuses it after a restart', async () => {
  const first = await startServer({ dataDir });
  let refined: Record<string, number[]>;
  try {
    const initial = await (await fetch(`${first.url}/api/map`)).json();
    expect(initial.nodes.length).toBeGreaterThan(500);
    await first.app.projection.settled();
    const after = await (await fetch(`${first.url}/api/map`)).json();
    expect(after.layoutPending).toBe(false);
    refined = positions(after.nodes);
    // The map is not re-laid out per request.
    expect(positions((await (await fetch(`${first.url}/api/map`)).json()).nodes)).toEqual(refined);
  } finally {
    await first.close();
  }
  const second = await startServer({ dataDir, wipe: false });
  try {
    const map = await (await fetch(`${second.url}/api/map`)).json();
    expect(map.layoutPending).toBe(false);
    expect(positions(map.nodes)).toEqual(refined);
  } finally {
    await second.close();
  }
});
