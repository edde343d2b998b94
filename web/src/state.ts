/**
 * The view state: everything a link must carry to reproduce what its sender saw
 * (filters, drilled community, ego focus, selection, current view, gap cell,
 * deal request, camera). Parsed from and written to the URL query string.
 *
 * Parsing is forgiving by design: every field `.catch()`es to its default, so a
 * hand-edited or stale link degrades to the nearest valid view instead of an
 * error page.
 */
import { z } from 'zod';
import { Centrality } from '../../server/schemas/analytics.js';
import { PartnerType } from '../../server/schemas/model.js';

export const VIEWS = ['explore', 'gaps', 'deals', 'health', 'programs', 'solutions', 'conflicts', 'reports', 'import'] as const;
export type View = (typeof VIEWS)[number];

const text = z.string().trim().min(1).max(200).optional().catch(undefined);
const count = z.coerce.number().int().min(0).optional().catch(undefined);
const flag = (fallback: boolean) =>
  z.stringbool({ truthy: ['1', 'true'], falsy: ['0', 'false'] }).catch(fallback);
const list = z.array(z.string().trim().min(1).max(200)).catch([]);

export const ViewState = z.object({
  view: z.enum(VIEWS).catch('explore'),
  // map filters (the query of /api/map)
  type: PartnerType.optional().catch(undefined),
  tier: text,
  region: text,
  segment: text,
  capability: text,
  stage: text,
  /** The community drilled into (a super-node that was opened), or a community filter. */
  community: count,
  minDegree: count,
  /** Node budget above which the server aggregates communities (the server's default when absent). */
  budget: z.coerce.number().int().min(10).max(100_000).optional().catch(undefined),
  sizeBy: Centrality.catch('pagerank'),
  customers: flag(true),
  /** Ego view: the node whose network is isolated, and how many hops. */
  focus: text,
  depth: z.coerce.number().int().min(1).max(3).catch(1),
  /** The node whose details are open. */
  selected: text,
  /** Mark brokers and single points of failure on the map. */
  risks: flag(false),
  // gaps view
  gapSegment: text,
  gapCapability: text,
  gapRegion: text,
  // deal builder: the submitted request and the team picked from its answer
  dealCustomer: text,
  dealRegion: text,
  dealSegment: text,
  dealCaps: list,
  dealRoles: z.array(PartnerType).catch([]),
  dealInclude: list,
  dealExclude: list,
  dealMaxSize: z.coerce.number().int().min(1).max(10).catch(4),
  team: count,
  /** Camera as "x,y,ratio" in sigma's normalised coordinates. */
  cam: z
    .string()
    .regex(/^-?[\d.]+,-?[\d.]+,[\d.]+$/)
    .optional()
    .catch(undefined),
});
export type ViewState = z.output<typeof ViewState>;
type Key = keyof ViewState;

export const DEFAULT_STATE: ViewState = ViewState.parse({});

/** Keys that are lists: written as repeated parameters (ids may contain commas). */
const LIST_KEYS = (Object.keys(DEFAULT_STATE) as Key[]).filter((k) => Array.isArray(DEFAULT_STATE[k]));

export function parseState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(ViewState.shape) as Key[]) {
    if (LIST_KEYS.includes(key)) {
      const values = params.getAll(key).filter((v) => v !== '');
      if (values.length > 0) raw[key] = values;
    } else {
      const value = params.get(key);
      if (value !== null && value !== '') raw[key] = value;
    }
  }
  return ViewState.parse(raw);
}

/** Query string for a state, omitting defaults so links stay short and readable. */
export function serialiseState(state: ViewState): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(ViewState.shape) as Key[]) {
    const value = state[key];
    const fallback = DEFAULT_STATE[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) params.append(key, item);
    } else if (value !== fallback) {
      params.set(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** Filters that feed /api/map, in the order the filter panel shows them. */
export const MAP_FILTER_KEYS = ['type', 'tier', 'region', 'segment', 'capability', 'stage'] as const;
export type MapFilterKey = (typeof MAP_FILTER_KEYS)[number];

const MAP_KEYS: Key[] = [...MAP_FILTER_KEYS, 'community', 'minDegree', 'sizeBy', 'customers', 'focus', 'depth'];

/** The state change that clears every map filter (the filter panel's "Clear all", the empty map's button). */
export const NO_FILTERS: Partial<ViewState> = { type: undefined, tier: undefined, region: undefined, segment: undefined, capability: undefined, stage: undefined, community: undefined, minDegree: undefined };

/** How many map filters a state sets. */
export function activeFilters(state: ViewState): number {
  return MAP_FILTER_KEYS.filter((k) => state[k] !== undefined).length + Number(state.community !== undefined) + Number((state.minDegree ?? 0) > 0);
}

/** The /api/map query for a state; `budget` is the node budget above which the server aggregates. */
export function mapQuery(state: ViewState, budget?: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of MAP_FILTER_KEYS) {
    const value = state[key];
    if (value !== undefined) params.set(key, value);
  }
  if (state.community !== undefined) params.set('community', String(state.community));
  if (state.minDegree !== undefined && state.minDegree > 0) params.set('minDegree', String(state.minDegree));
  if (state.focus !== undefined) {
    params.set('focus', state.focus);
    params.set('depth', String(state.depth));
  }
  params.set('sizeBy', state.sizeBy);
  if (!state.customers) params.set('includeCustomers', 'false');
  if (budget !== undefined) params.set('budget', String(budget));
  return params;
}

export function changed(prev: ViewState, next: ViewState, keys: readonly Key[]): boolean {
  return keys.some((k) => JSON.stringify(prev[k]) !== JSON.stringify(next[k]));
}

export function mapQueryChanged(prev: ViewState, next: ViewState): boolean {
  return changed(prev, next, MAP_KEYS);
}

export type Listener = (next: ViewState, prev: ViewState) => void;

/**
 * Holds the state and mirrors it in the URL. `push` records a history entry
 * (a new view, filter or selection: Back returns to it); `replace` rewrites the
 * current one (camera moves, which would otherwise flood the history).
 */
export class Store {
  private current: ViewState;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly win: Window = window) {
    this.current = parseState(win.location.search);
    win.addEventListener('popstate', () => this.apply(parseState(win.location.search)));
  }

  get state(): ViewState {
    return this.current;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(patch: Partial<ViewState>, mode: 'push' | 'replace' = 'push'): void {
    // A round trip through the query string normalises the patch exactly as a reload would.
    const query = serialiseState({ ...this.current, ...patch });
    const next = parseState(query);
    const url = `${this.win.location.pathname}${query}`;
    if (mode === 'push') this.win.history.pushState(null, '', url);
    else this.win.history.replaceState(null, '', url);
    this.apply(next);
  }

  private apply(next: ViewState): void {
    const prev = this.current;
    this.current = next;
    if (serialiseState(prev) === serialiseState(next)) return;
    for (const listener of this.listeners) listener(next, prev);
  }
}
