/**
 * From a /api/map response to graphology attributes: colour by kind and
 * partner type, screen size from the server's centrality (or a super-node's
 * member count). Positions are the server's; nothing here lays anything out.
 */
import { MultiGraph } from 'graphology';
import type { MapResponse } from '../../../server/schemas/analytics.js';
import { edgeColor, nodeColor, sizeScale } from './colors.js';
import type { MapEdgeAttributes, MapNodeAttributes } from './highlight.js';

export interface NodeSizing {
  partner: [number, number];
  customer: [number, number];
  community: [number, number];
}

/**
 * Typical distance between neighbouring nodes, in pixels, when the whole map
 * spans `viewportPx`: the occupied area (grid cells holding a node, cells
 * about as small as uniform spacing would be) shared among the nodes. A clustered layout packs nodes much tighter than its
 * bounding box suggests, and marks must shrink to stay apart.
 */
export function typicalSpacing(points: ReadonlyArray<{ x: number; y: number }>, viewportPx = 600): number {
  if (points.length < 2) return viewportPx;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    minX = Math.min(minX, p.x);
    maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const span = Math.max(maxX - minX, maxY - minY);
  if (!(span > 0)) return 0;
  const GRID = Math.min(512, Math.max(16, Math.ceil(1.5 * Math.sqrt(points.length))));
  const occupied = new Set<number>();
  for (const p of points) occupied.add(Math.min(GRID - 1, Math.floor(((p.x - minX) / span) * GRID)) * GRID + Math.min(GRID - 1, Math.floor(((p.y - minY) / span) * GRID)));
  const cellPx = viewportPx / GRID;
  return Math.sqrt((occupied.size * cellPx * cellPx) / points.length);
}

/**
 * Marks sized to the layout: about a node's spacing at the largest, so a
 * crowded community reads as separate dots once zoomed in a little, and
 * 50,000 nodes do not merge into one blob.
 */
export function sizingFor(points: ReadonlyArray<{ x: number; y: number }>): NodeSizing {
  const spacing = typicalSpacing(points);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const maxPartner = clamp(spacing * 1.2, 5, 16);
  return {
    partner: [clamp(maxPartner / 4, 1.5, 3.5), maxPartner],
    customer: [clamp(maxPartner / 8, 1, 2.5), clamp(maxPartner / 2.5, 2.5, 6)],
    community: [10, 30],
  };
}

/** A super-node's label on the map: its name and size, without the details after a dash. */
export function communityLabel(label: string, count: number | undefined): string {
  const short = label.split(' — ')[0] ?? label;
  if (count === undefined) return short;
  const formatted = count.toLocaleString('en-US');
  return short.includes(formatted) ? short : `${short} · ${formatted}`;
}

export interface GraphData {
  nodes: Array<{ key: string; attributes: MapNodeAttributes }>;
  edges: Array<{ key: string; source: string; target: string; attributes: MapEdgeAttributes }>;
}

export function toGraphData(map: MapResponse): GraphData {
  const sizing = sizingFor(map.nodes);
  const byKind = (kind: string) => map.nodes.filter((n) => n.kind === kind);
  const partnerSize = sizeScale(byKind('partner').map((n) => n.size), ...sizing.partner);
  const customerSize = sizeScale(byKind('customer').map((n) => n.size), ...sizing.customer);
  const communitySize = sizeScale(byKind('community').map((n) => n.count ?? n.size), ...sizing.community);

  const seen = new Set<string>();
  const nodes: GraphData['nodes'] = [];
  for (const n of map.nodes) {
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    const size =
      n.kind === 'community' ? communitySize(n.count ?? n.size) : n.kind === 'customer' ? customerSize(n.size) : partnerSize(n.size);
    const label = n.kind === 'community' ? communityLabel(n.label, n.count) : n.label;
    nodes.push({
      key: n.id,
      attributes: {
        label,
        name: n.label,
        // The hover card shows the server's whole label (a community's top partners, say).
        fullLabel: n.label,
        x: n.x,
        y: n.y,
        size,
        color: nodeColor(n),
        kind: n.kind,
        types: n.types,
        community: n.community,
        tier: n.tier,
        count: n.count,
        degree: n.degree,
      },
    });
  }

  const edgeKeys = new Set<string>();
  const edges: GraphData['edges'] = [];
  // A loop, not Math.max(...weights): spreading millions of arguments overflows the stack.
  const maxWeight = map.edges.reduce((max, e) => Math.max(max, e.weight), 1);
  for (const e of map.edges) {
    if (!seen.has(e.source) || !seen.has(e.target) || e.source === e.target || edgeKeys.has(e.id)) continue;
    edgeKeys.add(e.id);
    // Links between super-nodes stand for many relationships: thicker, on a log scale.
    const size = map.aggregated ? 1 + (4 * Math.log1p(e.weight)) / Math.log1p(maxWeight) : e.types.some((t) => t !== 'SERVES') ? 0.8 : 0.5;
    edges.push({ key: e.id, source: e.source, target: e.target, attributes: { size, color: edgeColor(e.types), types: e.types, weight: e.weight } });
  }
  return { nodes, edges };
}

/**
 * A fresh graph for `renderer.setGraph`: built while no renderer listens, so
 * sigma indexes it once instead of reacting to 50,000 `nodeAdded` events.
 * Multi and mixed, because the server may send parallel links of different types.
 */
export function buildGraph(data: GraphData): MultiGraph<MapNodeAttributes, MapEdgeAttributes> {
  const graph = new MultiGraph<MapNodeAttributes, MapEdgeAttributes>({ type: 'mixed', allowSelfLoops: false });
  for (const n of data.nodes) graph.addNode(n.key, n.attributes);
  for (const e of data.edges) graph.addEdgeWithKey(e.key, e.source, e.target, e.attributes);
  return graph;
}

export interface VisibleCounts {
  partners: number;
  customers: number;
  communities: number;
  edges: number;
}

export function visibleCounts(data: GraphData): VisibleCounts {
  const counts = { partners: 0, customers: 0, communities: 0, edges: data.edges.length };
  for (const n of data.nodes) {
    if (n.attributes.kind === 'partner') counts.partners += 1;
    else if (n.attributes.kind === 'customer') counts.customers += 1;
    else counts.communities += 1;
  }
  return counts;
}
