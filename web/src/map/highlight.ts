/**
 * Highlighting without touching the graph: a `Highlight` says which nodes
 * matter now (selection, an introduction, a gap, a deal team) and the pure
 * reducers below turn it into display data. The renderer calls them from
 * sigma's nodeReducer / edgeReducer and refreshes with `skipIndexation`.
 */
import type { EdgeDisplayData, NodeDisplayData } from 'sigma/types';
import type { Gap, Introduction, Team } from '../../../server/schemas/analytics.js';
import { HIGHLIGHT_COLORS, mix } from './colors.js';

export interface Highlight {
  /** What is highlighted, for the status bar ("Team 1", "Gap: SIEM in EMEA"). */
  label: string;
  /** The subject: shown strongest, labels forced on. */
  primary: ReadonlySet<string>;
  /** Context around the subject (neighbours, evidence, suppliers). */
  secondary: ReadonlySet<string>;
  /** Colour overrides that carry meaning (unmet demand in red, suppliers in green). */
  tints?: ReadonlyMap<string, string>;
  /** Existing links that must show (a team's), drawn over the map whatever the filters; `linkKeys` indexes them by `pairKey`. */
  links?: ReadonlyArray<readonly [string, string]>;
  linkKeys?: ReadonlySet<string>;
  /** Links that do not exist yet and are drawn dashed on the overlay: suggested introductions. */
  suggested?: ReadonlyArray<readonly [string, string]>;
}

export interface ReducerContext {
  highlight: Highlight | null;
  hovered: string | null;
  hoveredNeighbours: ReadonlySet<string>;
}

export interface MapNodeAttributes {
  label: string;
  x: number;
  y: number;
  size: number;
  color: string;
  kind: 'partner' | 'customer' | 'community';
  hidden?: boolean;
  [key: string]: unknown;
}

export interface MapEdgeAttributes {
  size: number;
  color: string;
  hidden?: boolean;
  [key: string]: unknown;
}

/** Beyond this many nodes, forcing every label on would bury the map in text; sigma's label grid decides instead. */
const MAX_FORCED_LABELS = 20;

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

export function isEmphasised(node: string, h: Highlight): boolean {
  return h.primary.has(node) || h.secondary.has(node);
}

/** The layer a node is drawn in when nothing is highlighted: customers under partners and communities. */
export function baseZIndex(data: MapNodeAttributes): number {
  return data.kind === 'customer' ? 0 : 1;
}

/** Whether the reducers change anything but the base layer: at rest they leave colours, sizes and labels alone. */
export function atRest(ctx: ReducerContext): boolean {
  return ctx.highlight === null && ctx.hovered === null;
}

export function reduceNode(node: string, data: MapNodeAttributes, ctx: ReducerContext): Partial<NodeDisplayData> {
  const res: Partial<NodeDisplayData> = { ...data, highlighted: false, zIndex: baseZIndex(data) };
  const isHovered = ctx.hovered === node;
  if (isHovered) {
    res.highlighted = true;
    res.zIndex = 4;
  }
  const h = ctx.highlight;
  if (h !== null) {
    const tint = h.tints?.get(node);
    if (h.primary.has(node)) {
      res.color = tint ?? data.color;
      res.zIndex = Math.max(res.zIndex ?? 0, 3);
      res.forceLabel = h.primary.size <= MAX_FORCED_LABELS;
      // Small marks (customers) grow enough to be found at a glance.
      res.size = Math.max(5, data.size * 1.2);
    } else if (h.secondary.has(node)) {
      res.color = tint ?? data.color;
      res.zIndex = Math.max(res.zIndex ?? 0, 2);
    } else if (!isHovered && !ctx.hoveredNeighbours.has(node)) {
      res.color = HIGHLIGHT_COLORS.dim;
      res.label = '';
      res.zIndex = 0;
    }
  } else if (ctx.hovered !== null && !isHovered && !ctx.hoveredNeighbours.has(node)) {
    res.color = HIGHLIGHT_COLORS.dim;
    res.label = '';
    res.zIndex = 0;
  }
  return res;
}

export function reduceEdge(
  data: MapEdgeAttributes,
  source: string,
  target: string,
  ctx: ReducerContext,
): Partial<EdgeDisplayData> {
  const res: Partial<EdgeDisplayData> = { ...data, zIndex: 0 };
  const touchesHovered = ctx.hovered !== null && (source === ctx.hovered || target === ctx.hovered);
  const h = ctx.highlight;
  if (h !== null) {
    if (h.linkKeys?.has(pairKey(source, target))) {
      res.color = HIGHLIGHT_COLORS.link;
      res.size = Math.max(2.5, data.size * 2);
      res.zIndex = 2;
    } else if (
      (h.primary.has(source) && isEmphasised(target, h)) ||
      (h.primary.has(target) && isEmphasised(source, h)) ||
      touchesHovered
    ) {
      res.color = mix(data.color, '#ffffff', 0.45);
      res.size = Math.max(1.2, data.size * 1.5);
      res.zIndex = 1;
    } else {
      res.hidden = true;
    }
  } else if (ctx.hovered !== null) {
    if (touchesHovered) {
      res.color = mix(data.color, '#ffffff', 0.45);
      res.zIndex = 1;
    } else {
      res.hidden = true;
    }
  }
  return res;
}

/** How many highlighted nodes are on the map now (the status bar shows it; tests read it). */
export function countOnMap(h: Highlight, hasNode: (id: string) => boolean): number {
  let n = 0;
  for (const id of new Set([...h.primary, ...h.secondary])) if (hasNode(id)) n += 1;
  return n;
}

// ---------- what each view highlights ----------

export function selectionHighlight(id: string, label: string, neighbours: Iterable<string>): Highlight {
  return { label, primary: new Set([id]), secondary: new Set(neighbours) };
}

/** Both partners, the link the introduction would create, and the shared customers behind it. */
export function introductionHighlight(intro: Introduction, label: string): Highlight {
  const shared = intro.signals.find((s) => s.name === 'sharedCustomers')?.evidence ?? [];
  const common = intro.signals.find((s) => s.name === 'commonNeighbours')?.evidence ?? [];
  const tints = new Map<string, string>([
    [intro.partnerId, HIGHLIGHT_COLORS.supply],
    [intro.otherPartnerId, HIGHLIGHT_COLORS.supply],
  ]);
  for (const c of shared) tints.set(c, HIGHLIGHT_COLORS.demand);
  return {
    label,
    primary: new Set([intro.partnerId, intro.otherPartnerId]),
    secondary: new Set([...shared, ...common]),
    tints,
    suggested: [[intro.partnerId, intro.otherPartnerId]],
  };
}

/** Customers with the unmet need in red, the nearest potential suppliers in green, current suppliers as they are. */
export function gapHighlight(gaps: readonly Gap[], label: string): Highlight {
  const tints = new Map<string, string>();
  const primary = new Set<string>();
  const secondary = new Set<string>();
  for (const gap of gaps) {
    for (const c of gap.customers) {
      primary.add(c);
      tints.set(c, HIGHLIGHT_COLORS.demand);
    }
    for (const p of gap.nearestSuppliers) {
      primary.add(p);
      tints.set(p, HIGHLIGHT_COLORS.supply);
    }
    for (const p of gap.qualifiedPartners) secondary.add(p);
  }
  return { label, primary, secondary, tints };
}

/** The team's members, the customer the deal is for, and the team's existing links. */
export function teamHighlight(team: Team, label: string, customerId?: string): Highlight {
  return {
    label,
    primary: new Set(team.members.map((m) => m.partnerId)),
    secondary: new Set(customerId === undefined ? [] : [customerId]),
    tints: new Map(customerId === undefined ? [] : [[customerId, HIGHLIGHT_COLORS.demand]]),
    links: team.links.map((l) => [l.source, l.target] as const),
    linkKeys: new Set(team.links.map((l) => pairKey(l.source, l.target))),
  };
}
