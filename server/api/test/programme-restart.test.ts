/**
 * Programme answers across a restart: the records kept beside the store
 * (DATA_DIR/records/) give a restarted server the very answers it gave
 * before, without reading the store; after another process wrote to the
 * store meanwhile, or with a damaged file, they are read from the store
 * again and the answers are those of a server that never had the files.
 * On both engines (on Neo4j the restarts keep the database).
 */
import { readdirSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { loadConfig } from '../../config.js';
import { importBundle } from '../../import/import-bundle.js';
import { openStore } from '../../store/index.js';
import { startServer, type TestServer } from '../../test/server.js';
import { describeStore, itStore, neo4jTestConfig, tempDir, TEST_STORE } from '../../test/stores.js';

const KINDS = ['programme', 'tiers', 'deals', 'solutions', 'conflicts'];

describeStore('programme records across a restart', () => {
  const dataDir = tempDir();
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (url: string) => {
    const response = await fetch(server!.url + url);
    expect(response.status, `${url}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as any;
  };
  /** Every programme answer, the funnels without their time of asking. */
  const answers = async () => {
    const tiers: unknown[] = [];
    for (let cursor: string | null = null, first = true; first || cursor !== null; first = false) {
      const page = await get(`/api/tiers/evaluation?limit=1000${cursor === null ? '' : `&cursor=${cursor}`}`);
      tiers.push(page.counts, ...page.items);
      cursor = page.nextCursor;
    }
    const { tracks } = await get('/api/programs');
    const funnels = [];
    for (const track of tracks as Array<{ id: string }>) {
      const { at: _, ...funnel } = await get(`/api/lifecycle/funnel?track=${track.id}`);
      funnels.push(funnel);
    }
    const won = (await get('/api/deals?limit=500')).items.filter((d: { stage?: string; partners: unknown[] }) => d.stage === 'won' && d.partners.length >= 2);
    return {
      tiers,
      funnels,
      open: await get('/api/conflicts?limit=1000'),
      resolved: await get('/api/conflicts?status=resolved&limit=1000'),
      summary: await get('/api/attribution/summary?model=shapley'),
      report: await get('/api/reports/ecosystem'),
      deals: await Promise.all(won.slice(0, 5).map((d: { id: string }) => get(`/api/deals/${d.id}/attribution?model=shapley`))),
      solutions: await get('/api/solutions?limit=500'),
    };
  };
  /** A server on `dataDir` as server.ts starts it: the records warmed in the background, here awaited. */
  const restart = async () => {
    await server?.close();
    server = await startServer({ dataDir, seed: 'none', wipe: false });
    await server.app.programme.warmUp();
  };
  const loadedFrom = () => Object.fromEntries(Object.entries(server!.app.programme.lastLoads()).map(([kind, load]) => [kind, load?.from]));
  const fromEverywhere = (from: string) => Object.fromEntries(KINDS.map((kind) => [kind, from]));

  itStore('a restart with nothing written answers alike from the records file; a damaged file is read from the store again', async () => {
    server = await startServer({ dataDir });
    await server.app.programme.warmUp();
    expect(loadedFrom()).toEqual(fromEverywhere('store'));
    // A resolution, so that the resolved history is not empty.
    const [conflict] = (await get('/api/conflicts?kind=over-claimed')).conflicts;
    const resolving = await fetch(`${server.url}/api/conflicts/${conflict.id}/resolve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ policy: 'proportional' }) });
    expect(resolving.status).toBe(200);
    const before = await answers();
    expect(before.resolved.conflicts).toHaveLength(1);

    // Stopped at once after the resolution: the close saves what the writes left, without waiting for the version to settle.
    await restart();
    expect(readdirSync(path.join(dataDir, 'records')).sort()).toEqual(KINDS.map((kind) => `${kind}.records`).sort());
    expect(loadedFrom()).toEqual(fromEverywhere('file'));
    expect(await answers()).toEqual(before);

    // Cut short: not used, read from the store, the same answers.
    await server!.close();
    server = undefined;
    truncateSync(path.join(dataDir, 'records', 'programme.records'), 1000);
    await restart();
    expect(loadedFrom()).toEqual({ ...fromEverywhere('file'), programme: 'store' });
    expect(await answers()).toEqual(before);
  });

  itStore("a track defined again after the records were read gets its funnel from every partner's moves", async () => {
    if (server === undefined) await restart();
    const { tracks } = await get('/api/programs');
    const track = tracks.find((t: { id: string }) => t.id === 'resell');
    const { at: _, ...funnel } = await get('/api/lifecycle/funnel?track=resell');
    expect(funnel.stages.some((s: { count: number }) => s.count > 0)).toBe(true);
    const send = (method: string, url: string, body?: unknown) =>
      fetch(server!.url + url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    expect((await send('DELETE', '/api/programs/tracks/resell')).status).toBe(204);
    // Read whole without the track (a restart from the store), then the track defined again.
    await server!.close();
    server = undefined;
    rmSync(path.join(dataDir, 'records'), { recursive: true, force: true });
    await restart();
    const { id: __, ...body } = track;
    expect((await send('PUT', '/api/programs/tracks/resell', body)).status).toBe(200);
    const { at: ___, ...again } = await get('/api/lifecycle/funnel?track=resell');
    expect(again).toEqual(funnel);
  });

  itStore('after another process wrote to the store between stop and restart, the records are brought forward through the change log and show the write; without the log, read again', async () => {
    // The records of the store's current version, on disk.
    if (server === undefined) await restart();
    const before = await answers();
    await server!.app.programme.settled();
    const under = (before.tiers as Array<{ status?: string; partnerId: string; qualifiedTier: string | null }>).find((e) => e.status === 'under-tiered' && e.qualifiedTier !== null)!;
    const partner = await get(`/api/partners/${under.partnerId}`);
    const [overClaimed] = before.open.conflicts.filter((c: { kind: string }) => c.kind === 'over-claimed');
    const deal = await get(`/api/deals/${overClaimed.deals[0]}`);
    await server!.close();
    server = undefined;

    // Another process (as the import CLI) writes: the partner raised to the tier it qualifies for, the deal's claims cut to add up to 1.
    const neo4j = TEST_STORE === 'neo4j' ? neo4jTestConfig() : undefined;
    const env = { DATA_DIR: dataDir, ...(neo4j === undefined ? {} : { NEO4J_URI: neo4j.uri, NEO4J_USER: neo4j.user, NEO4J_PASSWORD: neo4j.password }) };
    const other = await openStore(loadConfig(env));
    try {
      const claims = deal.partners.map((p: { claimedShare?: number }) => ({ ...p, claimedShare: 1 / deal.partners.length }));
      const report = await importBundle(other, { version: 1, partners: [{ ...partner, tier: under.qualifiedTier }], deals: [{ ...deal, partners: claims }] });
      expect(report.errors).toEqual([]);
    } finally {
      await other.close();
    }

    // The files are of the version before that write: brought forward through the change log kept beside the store
    // (conflicts are read whole at every new version).
    await restart();
    expect(loadedFrom()).toEqual({ ...fromEverywhere('file'), conflicts: 'store' });
    const after = await answers();
    const evaluations = after.tiers as Array<{ partnerId?: string; track?: string; currentTier?: string }>;
    expect(evaluations.filter((e) => e.partnerId === under.partnerId).every((e) => e.currentTier === under.qualifiedTier)).toBe(true);
    expect(after.open.conflicts.map((c: { id: string }) => c.id)).not.toContain(overClaimed.id);

    // The same as a server that never had the files.
    await server!.app.programme.settled();
    await server!.close();
    server = undefined;
    rmSync(path.join(dataDir, 'records'), { recursive: true });
    await restart();
    expect(loadedFrom()).toEqual(fromEverywhere('store'));
    expect(await answers()).toEqual(after);

    // Another write by another process, with the change log gone: the files cannot be brought forward, the store is read.
    await server!.app.programme.settled();
    await server!.close();
    server = undefined;
    const again = await openStore(loadConfig(env));
    try {
      expect((await importBundle(again, { version: 1, partners: [{ ...partner, tier: under.qualifiedTier, name: `${partner.name} (again)` }] })).errors).toEqual([]);
    } finally {
      await again.close();
    }
    rmSync(path.join(dataDir, 'changes.log'), { force: true });
    await restart();
    expect(loadedFrom()).toEqual(fromEverywhere('store'));
    expect(JSON.stringify(await answers())).toContain(`${partner.name} (again)`);
  });
});
