/**
 * Colour keys and scales of the map and the heat map. Pure functions: the
 * legend, the graph builder and the tests share them.
 */
import { PARTNER_TYPES, type PartnerType } from '../../../server/schemas/model.js';

/** One hue per partner type, readable on the dark background and distinct for common colour-blindness. */
export const TYPE_COLORS: Record<PartnerType, string> = {
  reseller: '#4f9cf9',
  technology: '#f5a524',
  service: '#2fbf71',
  referral: '#f06595',
  msp: '#a78bfa',
  marketplace: '#22c3d6',
};

export const CUSTOMER_COLOR = '#8391a7';
export const UNKNOWN_COLOR = '#c0c7d2';
/** Community super-nodes share one warm colour: they are containers, not partners. */
export const COMMUNITY_COLOR = '#e8c468';

export const HIGHLIGHT_COLORS = {
  /** Customers with an unmet need, shared customers. */
  demand: '#ff6b6b',
  /** Partners who could supply, suggested partners. */
  supply: '#3ddc97',
  /** Dimmed everything else. */
  dim: '#232a35',
  dimEdge: '#1a2029',
  link: '#ffffff',
} as const;

export const EDGE_COLORS: Record<string, string> = {
  INTEGRATES_WITH: '#6b5a2e',
  IMPLEMENTS: '#2c5a44',
  RESELLS: '#2f4a6e',
  REFERS_TO: '#6a3550',
  CO_SELLS_WITH: '#4b3f72',
  SERVES: '#2a3140',
};
export const DEFAULT_EDGE_COLOR = '#2a3140';

export function isPartnerType(value: string): value is PartnerType {
  return (PARTNER_TYPES as readonly string[]).includes(value);
}

export function nodeColor(node: { kind: string; types: readonly string[] }): string {
  if (node.kind === 'customer') return CUSTOMER_COLOR;
  if (node.kind === 'community') return COMMUNITY_COLOR;
  const primary = node.types.find(isPartnerType);
  return primary === undefined ? UNKNOWN_COLOR : TYPE_COLORS[primary];
}

/** Partner↔partner links take their relationship's colour; SERVES links stay quiet. */
export function edgeColor(types: readonly string[]): string {
  const partnerLink = types.find((t) => t !== 'SERVES' && EDGE_COLORS[t] !== undefined);
  return EDGE_COLORS[partnerLink ?? types[0] ?? ''] ?? DEFAULT_EDGE_COLOR;
}

/**
 * Maps raw sizes (a centrality) onto screen radii with a square-root scale, so
 * area rather than radius is proportional and a few hubs do not dwarf the rest.
 */
export function sizeScale(values: readonly number[], minPx: number, maxPx: number): (value: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo)) return () => (minPx + maxPx) / 2;
  const span = Math.sqrt(hi - lo);
  return (value) => {
    const clamped = Math.min(hi, Math.max(lo, Number.isFinite(value) ? value : lo));
    return minPx + ((maxPx - minPx) * Math.sqrt(clamped - lo)) / span;
  };
}

function parseHex(hex: string): [number, number, number] {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** Linear mix of two hex colours; t = 0 gives `a`, t = 1 gives `b`. */
export function mix(a: string, b: string, t: number): string {
  const ca = parseHex(a);
  const cb = parseHex(b);
  return toHex([0, 1, 2].map((i) => ca[i]! + (cb[i]! - ca[i]!) * t) as [number, number, number]);
}

/** Heat-map stops from "no supply" to "well covered". */
const COVERAGE_STOPS = ['#d6453d', '#e8833a', '#e9c46a', '#7cc47f', '#2f9e6b'] as const;
export const NO_DEMAND_COLOR = '#1b222c';

/**
 * Coverage of a matrix cell, 0..1: the (weighted) qualified supply against the
 * health score's bar of two qualified partners in region, so one partner (a
 * single point of failure) is half covered. `null` when nobody needs the
 * capability there.
 */
export const COVERED_SUPPLY = 2;
export function coverage(demand: number, supply: number): number | null {
  if (demand <= 0) return null;
  return Math.min(1, Math.max(0, supply) / COVERED_SUPPLY);
}

export function coverageColor(demand: number, supply: number): string {
  const c = coverage(demand, supply);
  if (c === null) return NO_DEMAND_COLOR;
  if (supply <= 0) return COVERAGE_STOPS[0];
  const scaled = 1 + c * (COVERAGE_STOPS.length - 2);
  const i = Math.min(COVERAGE_STOPS.length - 2, Math.floor(scaled));
  return mix(COVERAGE_STOPS[i]!, COVERAGE_STOPS[i + 1]!, scaled - i);
}
