/**
 * Keeps the projection current: rebuilt from the store when the store's
 * change counter moves (never per request), with the derived metrics
 * recomputed in the background while requests answer from the previous
 * ones, and the layout refined in a worker thread. Each version's
 * projection and metrics are saved beside the store once derived, so that
 * a restart on an unchanged store starts from them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { deserialize, serialize } from 'node:v8';
import type { FastifyBaseLogger } from 'fastify';
import type { GraphStore } from '../store/graph-store.js';
import { deriveInBackground, layoutFor, prepareTopology } from './derive.js';
import { BUNDLE_VERSION, type Bundle } from '../schemas/bundle.js';
import { addRelationship } from './build.js';
import { applyBundle, applyDeletion, projectBundle, type ProjectionDeletion } from './from-bundle.js';
import { holdSlices, slicer, type Steps } from './slices.js';
import { revisionOf } from './per-graph.js';
import { loadSnapshot, saveSnapshot, type EarlyAnswers } from './snapshot.js';
import type { DerivedMetrics, Projection } from './types.js';
import { NodeIndex, NodePositions } from './node-values.js';
import { compareIds } from '../order.js';
import { mapSteps, prepareMap } from '../analytics/map.js';
import { MapQuery, type MapResponse } from '../schemas/analytics.js';

/** Writes up to this many rows are applied to the projection in place; larger ones rebuild it. */
const IN_PLACE_ROWS = 10_000;
/** A version's snapshot is saved once it has stayed current this long, in ms. */
const SNAPSHOT_QUIET_MS = 1000;
/** Rows projected between two looks at the clock when building the projection. */
const SLICE_ROWS = 2_000;
/** Longest run of a read's computation between two turns of the event loop, in ms: what a write arriving meanwhile may wait. */
const COMPUTE_SLICE_MS = 4;
/** The map views kept with a snapshot and answered while it is restored: the overview the web app opens on. */
const EARLY_MAP_QUERIES: MapQuery[] = [MapQuery.parse({})];

/** The refined layout's file, v8-serialised as the snapshot is: 25 ms at 300,000 nodes where JSON took 0.4 s of the event loop. */
interface SavedLayout {
  ids: readonly string[];
  xy: Float64Array;
}

const PROJECTED_SECTIONS = ['capabilities', 'regions', 'segments', 'partners', 'customers', 'relationships', 'deals', 'solutions'] as const;

/** The rows of a bundle's sections the projection holds; a bundle an import has not checked yet counts its lists. */
function rowsOf(bundle: unknown): number {
  let rows = 0;
  for (const section of PROJECTED_SECTIONS) {
    const list = (bundle as Partial<Record<string, unknown>> | null)?.[section];
    if (Array.isArray(list)) rows += list.length;
  }
  return rows;
}

/**
 * Applies a committed write to the projection; false when it changed nothing
 * there (its rows held only fields the projection leaves in the store, or
 * the values it already had: build.ts merges only what differs).
 */
function applied(projection: Projection, written: Bundle): boolean {
  if (rowsOf(written) === 0) return false;
  const { graph, catalogue } = projection;
  const before = { revision: revisionOf(graph), regions: catalogue.regions.length, segments: catalogue.segments.length };
  applyBundle(graph, catalogue, written);
  const catalogueRows = written.capabilities.length + written.regions.length + written.segments.length + written.deals.length + written.solutions.length;
  return catalogueRows > 0 || revisionOf(graph) !== before.revision || catalogue.regions.length !== before.regions || catalogue.segments.length !== before.segments;
}

/** A map query as a key: its fields in a fixed order, whatever order they were given in. */
export function mapQueryKey(query: MapQuery): string {
  return JSON.stringify(Object.entries(query).sort(([a], [b]) => compareIds(a, b)));
}

export interface Current {
  projection: Projection;
  derived: DerivedMetrics;
}

/** A write's sections as a whole bundle, the sections it did not touch empty. */
function wholeBundle(written: Partial<Bundle>): Bundle {
  return { version: BUNDLE_VERSION, capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [], ...written };
}

export class ProjectionService {
  private projection: Projection | undefined;
  private derived: DerivedMetrics | undefined;
  private rebuilding: Promise<Projection> | undefined;
  /** The version a projection is being built for (restored or read from the store), while it is. */
  private building: number | undefined;
  private deriving: Promise<DerivedMetrics> | undefined;
  private layingOut: Promise<void> | undefined;
  /** The walk of a restored projection's topology, ahead of its first derivation (see prepareTopology). */
  private walking: Promise<void> | undefined;
  private saving: Promise<void> | undefined;
  /** The version of the snapshot beside the store, when this server saved or restored it. */
  private snapshotVersion: number | undefined;
  private closed = false;
  private memos = new Map<string, unknown>();
  private memoVersion = '';
  /** While a snapshot is restored: the map answers it kept, for its version. */
  private early: { version: number; map: Map<string, MapResponse> } | undefined;
  /** Resolves once the first restore has read its early answers, or has ended without them. */
  private readonly earlyRead: Promise<void>;
  private earlySeen!: () => void;
  /** API writes in flight, and the reads waiting for their turn to compute (see `writing`). */
  private writes = 0;
  private readonly waitingReads: Array<() => void> = [];
  /** Reads waiting for the writes in flight to end (see current). */
  private readonly writesEnded: Array<() => void> = [];
  private releasing = false;
  /** Computations in slices under way (see `compute`), and those of them waiting for their next slice. */
  private computing = 0;
  private readonly waitingSlices: Array<() => void> = [];
  /** Committed writes not yet applied to the projection: applied when no computation is under way (see `applyCommitted`). */
  private pending: Array<{ version: number; deleted?: ProjectionDeletion; written?: Bundle }> = [];

  private readonly snapshotFile: string | undefined;
  /** Where the projection came from the last time it was built, and how long that took: for tests and benchmarks. */
  lastBuild: { from: 'store' | 'snapshot'; version: number; ms: number } | undefined;

  /**
   * @param layoutFile where refined positions are kept between runs, so that
   * a restart shows the map at once and only new nodes need placing; the
   * snapshot of the projection and its metrics is kept beside it.
   */
  constructor(
    private readonly store: GraphStore,
    private readonly log: FastifyBaseLogger,
    private readonly layoutFile?: string,
  ) {
    this.snapshotFile = layoutFile === undefined ? undefined : path.join(path.dirname(layoutFile), 'projection.snapshot');
    this.earlyRead = new Promise((resolve) => (this.earlySeen = resolve));
  }

  /**
   * The map answer kept with the snapshot being restored, when it is for this
   * query and the store's current version: what a restarted server answers
   * while the graph is still rebuilt (seconds at 100,000 partners). Otherwise
   * undefined, and the caller answers from current() as usual.
   */
  async earlyMap(query: MapQuery): Promise<MapResponse | undefined> {
    if (this.projection !== undefined) return undefined;
    const version = await this.store.version();
    // Starts the restore when nothing has yet; its failure is the caller's to see through current().
    const building = this.current().then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([building, this.earlyRead]);
    const early = this.early;
    return this.projection === undefined && early?.version === version ? early.map.get(mapQueryKey(query)) : undefined;
  }

  /**
   * The projection at the store's current version, and the freshest derived
   * metrics for it; resolves when the caller may compute on them (see `writing`).
   */
  async current(): Promise<Current> {
    const version = await this.store.version();
    // A write in flight may have committed this version and not yet queued it for the projection (on Neo4j a read
    // sees the commit at once): once no write is in flight, every committed write is queued, and rebuilding is not owed.
    while (this.writes > 0 && this.projection !== undefined && this.latestVersion(this.projection) < version) {
      await new Promise<void>((resolve) => this.writesEnded.push(resolve));
    }
    // The counter only grows: a projection ahead of it had a write applied in place (or queued) after this
    // read of the counter was sent, and is the fresher of the two (rebuilding at the older
    // version would throw that write away and, under a stream of writes, never catch up).
    const projection = this.projection !== undefined && this.latestVersion(this.projection) >= version ? this.projection : await this.rebuild(version);
    if (this.derived === undefined) await this.derive(projection);
    await this.turnToRead();
    // Writes committed while this read waited are applied by now (turnToRead), and part of what it reads.
    const now = this.projection ?? projection;
    if (this.derived!.version !== now.version) void this.derive(now).catch((error) => this.log.error(error, 'deriving metrics failed'));
    return { projection: now, derived: this.derived! };
  }

  /**
   * Runs a read's computation, written as steps, on the current projection
   * in slices of a few milliseconds, one slice per turn of the event loop:
   * a write arriving meanwhile waits for one slice at most, and while a
   * write is in flight no slice runs. Writes committed while the
   * computation is under way are applied to the projection only once no
   * computation is (reads starting meanwhile wait for that), so the
   * computation answers for the version it started on, never a mix.
   */
  async compute<T>(work: (current: Current) => Steps<T>): Promise<T> {
    return this.run(await this.current(), work);
  }

  private async run<T>(current: Current, work: (current: Current) => Steps<T>): Promise<T> {
    this.computing++;
    try {
      const steps = work(current);
      let since = performance.now();
      for (;;) {
        const step = steps.next();
        if (step.done) return step.value;
        if (performance.now() - since < COMPUTE_SLICE_MS) continue;
        await new Promise<void>((resolve) => {
          this.waitingSlices.push(resolve);
          this.releaseRead();
        });
        since = performance.now();
      }
    } finally {
      this.computing--;
      this.releaseRead();
    }
  }

  /**
   * Runs an API write with priority over reads' computations: an analytic
   * holds the event loop for up to tens of milliseconds, and a write waits
   * on the store several times, each time behind whatever computation then
   * holds the loop. So while a write is in flight no read starts computing,
   * and afterwards the waiting reads start one per turn of the event loop,
   * so that a write arriving meanwhile waits for one computation at most.
   */
  async writing<T>(work: () => Promise<T>): Promise<T> {
    this.writes++;
    // Background work in slices waits too (see holdSlices).
    const release = holdSlices();
    try {
      return await this.store.prioritised(work);
    } finally {
      release();
      this.writes--;
      if (this.writes === 0) for (const ended of this.writesEnded.splice(0)) ended();
      // Applied at once unless a computation is under way (then before the next read starts).
      if (this.writes === 0 && this.computing === 0) this.applyPending();
      this.releaseRead();
    }
  }

  private turnToRead(): Promise<void> {
    return new Promise((resolve) => {
      this.waitingReads.push(resolve);
      this.releaseRead();
    });
  }

  /**
   * Lets one waiting read (a computation's next slice first) compute on the
   * next turn of the event loop, unless a write is in flight by then; a new
   * read waits too while writes are queued for the projection and
   * computations are under way, and is the one that applies them.
   */
  private releaseRead(): void {
    if (this.releasing || (this.waitingReads.length === 0 && this.waitingSlices.length === 0)) return;
    this.releasing = true;
    setImmediate(() => {
      this.releasing = false;
      if (this.writes > 0) return;
      const slice = this.waitingSlices.shift();
      if (slice !== undefined) slice();
      else if (this.pending.length === 0 || this.computing === 0) {
        this.applyPending();
        this.waitingReads.shift()?.();
      }
      this.releaseRead();
    });
  }

  /**
   * Keeps the projection current after a committed write, in place, when the
   * write is small and the only change since the projection was built;
   * otherwise (large or batched imports, a capability's delete) the change
   * counter makes the next request rebuild it. The write is queued and
   * applied before the next read computes, once no computation in slices is
   * under way: the write itself never waits for one. Metrics follow in the
   * background. `written` holds the sections the write touched, none for a
   * write of nothing the projection holds (a track, sharing settings, a
   * review's decision), whose version it still has to follow. Called inside
   * `writing`, so that no read sees the version before it is queued.
   */
  applyCommitted(written: Partial<Bundle>, version: number): void {
    const whole = wholeBundle(written);
    if (this.appliesInPlace(whole)) this.queue({ written: whole, version });
  }

  /** Whether a write of these rows is applied to the projection in place (see applyCommitted). */
  appliesInPlace(bundle: unknown): boolean {
    return rowsOf(bundle) <= IN_PLACE_ROWS;
  }

  /** applyCommitted for a committed delete: at 100,000 partners, reading the store again took about 20 s. */
  applyDeleted(deleted: ProjectionDeletion, version: number): void {
    this.queue({ deleted, version });
  }

  /**
   * applyCommitted for a committed merge (an identity review accepted): the
   * incoming record deleted, then the records it was folded into and moved
   * to written, at one version.
   */
  applyMerged(deleted: ProjectionDeletion, written: Partial<Bundle>, version: number): void {
    const whole = wholeBundle(written);
    if (this.appliesInPlace(whole)) this.queue({ deleted, written: whole, version });
  }

  private queue(change: (typeof this.pending)[number]): void {
    // While a projection is built, the writes after its version are kept for it: it would end a version behind
    // the store, and the next read would read the whole store again (a minute at 100,000 partners), and again
    // for as long as writes keep landing during each read.
    const after = this.building ?? this.projection?.version;
    if (after === undefined || (this.pending.at(-1)?.version ?? after) !== change.version - 1) return;
    this.pending.push(change);
    // Outside an API write (an import through /api/import) nothing else applies it soon.
    if (this.computing === 0 && this.writes === 0) this.applyPending();
  }

  /** The version the projection is at once the writes queued for it are applied. */
  private latestVersion(projection: Projection): number {
    // While another is built, the queued writes are that one's.
    return (this.building === undefined ? this.pending.at(-1)?.version : undefined) ?? projection.version;
  }

  private applyPending(): void {
    const projection = this.projection;
    // Writes queued during a build are the new projection's, not the one it replaces.
    if (projection === undefined || this.building !== undefined) return;
    for (const change of this.pending) {
      if (change.deleted !== undefined) applyDeletion(projection.graph, projection.catalogue, change.deleted);
      // Applied first, whether or not a delete came with it.
      const changedByWrite = change.written !== undefined && applied(projection, change.written);
      if (!changedByWrite && change.deleted === undefined) this.carryForward(projection, change.version);
      projection.version = change.version;
    }
    this.pending = [];
  }

  /**
   * A write of nothing the projection holds (a track, sharing settings, a
   * review's decision, a partner's domain or revenue, a value it already
   * had) leaves the graph as it was: the metrics derived for
   * it, and the answers computed on them, hold for the write's version too,
   * rather than a derivation (half a minute at 100,000 partners) and a map
   * (1.8 s) computed again for the same graph.
   */
  private carryForward(projection: Projection, version: number): void {
    const derived = this.derived;
    if (derived === undefined) return;
    if (derived.version === projection.version) return this.carryMetrics(projection, projection.version, derived, version);
    // Metrics of an older version (a derivation under way): the answers computed on them and this graph hold all the same.
    if (this.memoVersion === `${projection.version}:${derived.version}`) this.memoVersion = `${version}:${derived.version}`;
  }

  /**
   * `derived` holds for `version` too: it moves there, with the answers
   * computed on it for the projection at `projectionVersion`.
   */
  private carryMetrics(projection: Projection, projectionVersion: number, derived: DerivedMetrics, version: number): void {
    if (this.memoVersion === `${projectionVersion}:${derived.version}`) this.memoVersion = `${version}:${version}`;
    derived.version = version;
    // A layout under way saves the snapshot when it ends.
    if (!derived.layoutPending) this.saveSnapshot(projection, derived);
  }

  /**
   * Whole-ecosystem answers (health, the best introductions) cost seconds at
   * 100,000 partners: each is computed once per projection and metrics
   * version, then served from here.
   */
  memo<T>(key: string, derived: DerivedMetrics, compute: () => T): T {
    const version = `${this.projection?.version}:${derived.version}`;
    if (this.memoVersion !== version) {
      this.memos.clear();
      this.memoVersion = version;
    }
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /**
   * `compute(work)`, shared by every request asking the same question
   * (`keyOf` the current projection and metrics) of the same projection and
   * metrics version, while it runs and after; a computation that failed is forgotten.
   */
  async memoCompute<T>(keyOf: (current: Current) => string, work: (current: Current) => Steps<T>): Promise<T> {
    const current = await this.current();
    const key = keyOf(current);
    const answer: Promise<T> = this.memo(key, current.derived, () =>
      this.run(current, work).catch((error: unknown) => {
        if (this.memos.get(key) === answer) this.memos.delete(key);
        throw error;
      }),
    );
    return answer;
  }

  private rebuild(version: number): Promise<Projection> {
    this.rebuilding ??= (async () => {
      const started = performance.now();
      // The build holds every write up to its version: none queued for the old projection is owed. Those committed
      // while it is built are queued for it (see queue) and applied to it: to a restored snapshot, which holds none
      // of them, and to a read of the store, which may hold some in part (a read is not one snapshot of the store:
      // applying a write again gives its records the state it left, and the last write of a record wins).
      this.pending = [];
      this.building = version;
      let restored: Projection | undefined;
      let projection: Projection;
      try {
        restored = this.projection === undefined ? await this.restore(version) : undefined;
        projection = restored ?? { ...(await this.readProjection()), version };
      } catch (error) {
        this.pending = [];
        throw error;
      } finally {
        this.building = undefined;
      }
      this.projection = projection;
      // A projection read from the store is derived at once, which walks it; a restored one only after a write.
      if (restored !== undefined) this.walkTopology(restored, version);
      this.lastBuild = { from: restored === undefined ? 'store' : 'snapshot', version, ms: Math.round(performance.now() - started) };
      this.log.info({ ...this.lastBuild, nodes: projection.graph.order, edges: projection.graph.size }, 'projection built');
      return projection;
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  /**
   * Builds the graph from the store: nodes first, then the relationships of
   * the partners read, page by page. The reads are not one snapshot: a write committed meanwhile may
   * show in part, e.g. a relationship whose new end was read too late, which
   * is skipped. Such a write is queued meanwhile and applied whole to the
   * projection once it is built (see rebuild).
   */
  private async readProjection(): Promise<Omit<Projection, 'version'>> {
    const entities = await this.store.entitiesForProjection();
    // Nodes and relationships are added a few thousand at a time, with a turn of the event loop between.
    const pause = slicer();
    const projected = projectBundle({ ...entities, partners: [], customers: [], relationships: [] });
    const { graph, catalogue } = projected;
    const none = { ...entities, capabilities: [], regions: [], segments: [], partners: [], customers: [], relationships: [], deals: [], solutions: [] };
    for (let i = 0; i < entities.partners.length; i += SLICE_ROWS) {
      applyBundle(graph, catalogue, { ...none, partners: entities.partners.slice(i, i + SLICE_ROWS) });
      await pause();
    }
    for (let i = 0; i < entities.customers.length; i += SLICE_ROWS) {
      applyBundle(graph, catalogue, { ...none, customers: entities.customers.slice(i, i + SLICE_ROWS) });
      await pause();
    }
    for await (const page of this.store.relationshipsForProjection(entities.partners.map((p) => p.id))) {
      for (let i = 0; i < page.length; i++) {
        const r = page[i]!;
        if (graph.hasNode(r.from) && graph.hasNode(r.to)) addRelationship(graph, r);
        if (i % SLICE_ROWS === 0) await pause();
      }
    }
    return projected;
  }

  /**
   * The projection and metrics saved for this very store and version, if any;
   * the metrics become current. Its early answers serve the map meanwhile.
   */
  private async restore(version: number): Promise<Projection | undefined> {
    try {
      if (this.snapshotFile === undefined) return undefined;
      const { storeId } = await this.store.identity();
      if (storeId === null) return undefined;
      const snapshot = await loadSnapshot(this.snapshotFile, { storeId, version }, (early) => {
        this.early = { version, map: new Map(early.map) };
        this.log.info({ version, views: early.map.length }, 'early answers read');
        this.earlySeen();
      });
      if (snapshot === undefined) return undefined;
      this.snapshotVersion = version;
      this.derived ??= snapshot.derived;
      // The map's index (seconds at 300k nodes) is built, in slices, before the projection is handed out.
      await prepareMap(snapshot.projection.graph, this.derived);
      return snapshot.projection;
    } catch (error) {
      this.log.warn({ err: error, file: this.snapshotFile }, 'ignoring an unreadable projection snapshot');
      return undefined;
    } finally {
      this.early = undefined;
      this.earlySeen();
    }
  }

  /** The answers a snapshot keeps for a restart to give while it is restored, computed in slices as a read's. */
  private async earlyAnswers(projection: Projection, derived: DerivedMetrics): Promise<EarlyAnswers> {
    const map: EarlyAnswers['map'] = [];
    for (const query of EARLY_MAP_QUERIES) map.push([mapQueryKey(query), await this.run({ projection, derived }, () => mapSteps(projection.graph, derived, query))]);
    return { map };
  }

  /**
   * Saves the projection with metrics of its own version, unless the store
   * moved on meanwhile: one save at a time, and only the latest is kept.
   */
  private saveSnapshot(projection: Projection, derived: DerivedMetrics): void {
    const version = projection.version;
    const stillCurrent = () => !this.closed && this.projection === projection && projection.version === version && derived.version === version;
    const run = (this.saving ?? Promise.resolve()).then(async () => {
      // Under a stream of writes every version is soon stale: only one that stays a while is saved.
      await delay(SNAPSHOT_QUIET_MS);
      if (stillCurrent()) await this.writeSnapshot(projection, derived, stillCurrent);
    });
    const queued = run.catch((error) => this.log.error(error, 'saving the projection snapshot failed'));
    this.saving = queued;
    void queued.finally(() => {
      if (this.saving === queued) this.saving = undefined;
    });
  }

  /** Writes the snapshot of the projection at the store's version with `derived`, while `stillCurrent` holds. */
  private async writeSnapshot(projection: Projection, derived: DerivedMetrics, stillCurrent: () => boolean): Promise<void> {
    const file = this.snapshotFile;
    if (file === undefined) return;
    const version = projection.version;
    const { storeId, version: stored } = await this.store.identity();
    if (storeId === null || stored !== version) return;
    const started = performance.now();
    const early = await this.earlyAnswers(projection, derived);
    if (!stillCurrent()) return;
    if (await saveSnapshot(file, { storeId, version }, projection, derived, stillCurrent, early)) {
      this.snapshotVersion = version;
      this.log.info({ version, metricsVersion: derived.version, ms: Math.round(performance.now() - started) }, 'projection snapshot saved');
    }
  }

  private derive(projection: Projection): Promise<DerivedMetrics> {
    this.deriving ??= (async () => {
      const started = performance.now();
      const { version } = projection;
      const previous = this.derived;
      const derived = await deriveInBackground(projection.graph, version, previous ?? (await this.savedLayout()));
      if (derived === previous) {
        // The writes since changed no node or edge, only attributes: the metrics hold, and so do the answers
        // computed on them for this version of the projection (a map computed since the write, above all).
        this.carryMetrics(projection, version, derived, version);
        return derived;
      }
      this.derived = derived;
      this.log.info({ version: projection.version, ms: Math.round(performance.now() - started) }, 'metrics derived');
      if (derived.layoutPending) this.refineLayout(projection, derived);
      else this.saveSnapshot(projection, derived);
      return derived;
    })().finally(() => {
      this.deriving = undefined;
    });
    return this.deriving;
  }

  private walkTopology(projection: Projection, version: number): void {
    const derived = this.derived?.version === version ? this.derived : undefined;
    this.walking = prepareTopology(projection.graph, derived)
      .catch((error) => this.log.error(error, 'walking the topology failed'))
      .finally(() => {
        this.walking = undefined;
      });
  }

  private refineLayout(projection: Projection, derived: DerivedMetrics): void {
    const started = performance.now();
    const run = (this.layingOut ?? Promise.resolve()).then(async () => {
      if (this.closed) return;
      const positions = await layoutFor(projection.graph, derived);
      // A newer derivation may have replaced `derived` meanwhile; it was made while this layout was
      // still owed, so it is pending too and its own refinement is queued behind this one.
      derived.positions = positions;
      derived.layoutPending = false;
      this.log.info({ version: projection.version, ms: Math.round(performance.now() - started) }, 'layout refined');
      await this.saveLayout(positions);
      this.saveSnapshot(projection, derived);
    });
    const queued = run.catch((error) => this.log.error(error, 'layout failed'));
    this.layingOut = queued;
    void queued.finally(() => {
      if (this.layingOut === queued) this.layingOut = undefined;
    });
  }

  private async savedLayout(): Promise<Pick<DerivedMetrics, 'positions' | 'layoutPending'> | undefined> {
    if (this.layoutFile === undefined || !existsSync(this.layoutFile)) return undefined;
    try {
      const { ids, xy } = deserialize(await readFile(this.layoutFile)) as SavedLayout;
      // A copy: the deserialised column is a view of the whole file's buffer (see fromDerivedFrame).
      return { positions: new NodePositions(new NodeIndex(ids), xy.slice()), layoutPending: false };
    } catch (error) {
      this.log.warn({ err: error, file: this.layoutFile }, 'ignoring an unreadable saved layout');
      return undefined;
    }
  }

  private async saveLayout(positions: DerivedMetrics['positions']): Promise<void> {
    if (this.layoutFile === undefined) return;
    // On Neo4j nothing else creates DATA_DIR.
    await mkdir(path.dirname(this.layoutFile), { recursive: true });
    // Written aside and renamed, so that a crash never leaves half a file.
    const saved: SavedLayout = { ids: positions.nodes.ids, xy: positions.xy };
    await writeFile(`${this.layoutFile}.tmp`, serialize(saved));
    await rename(`${this.layoutFile}.tmp`, this.layoutFile);
  }

  /** Resolves when background work (metrics, layout, the snapshot) has settled: for tests and benchmarks. */
  async settled(): Promise<void> {
    while (this.deriving !== undefined || this.layingOut !== undefined || this.saving !== undefined || this.walking !== undefined) {
      await Promise.all([this.deriving, this.layingOut, this.saving, this.walking]);
    }
  }

  /**
   * Stops background work, then saves the projection if its version has no
   * snapshot yet: a version is otherwise saved once derived (half a minute
   * at 100,000 partners) and a second quiet, and a server stopped sooner
   * would read the whole store at its next start (82 s at 100,000 partners).
   * Saved with the freshest metrics, of an older version if need be: the
   * restarted server answers from them, as this one did, and derives again.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.layingOut, this.saving]);
    const { projection, derived } = this;
    if (projection === undefined || derived === undefined || this.pending.length > 0 || this.snapshotVersion === projection.version) return;
    const version = projection.version;
    // Seconds at 100,000 partners: said, so that whoever stopped the server knows what it waits for.
    this.log.info({ version }, 'saving the projection snapshot before stopping');
    await this.writeSnapshot(projection, derived, () => this.projection === projection && projection.version === version).catch((error) =>
      this.log.error(error, 'saving the projection snapshot failed'),
    );
  }
}
