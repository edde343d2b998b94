import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UndirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { bundleToCsv, parseCsvBundle } from '../../server/import/csv.js';
import { Bundle, BUNDLE_SECTIONS, BundleEnvelope, type BundleSection } from '../../server/schemas/bundle.js';
import { normaliseDomain } from '../../server/schemas/model.js';
import { buildDemoBundle, checkStories, cohesiveTeams, STORY_IDS } from '../demo/build.js';

// graphology-metrics is CommonJS whose typings declare an ES default export; require() gives the function itself.
const betweennessCentrality = createRequire(import.meta.url)('graphology-metrics/centrality/betweenness') as (graph: UndirectedGraph) => Record<string, number>;

const demoFile = (path: string) => new URL(`../demo/${path}`, import.meta.url);
const raw: unknown = JSON.parse(readFileSync(demoFile('bundle.json'), 'utf8'));
const demo = raw as Bundle;

const partnerIds = new Set(demo.partners.map((p) => p.id));
const customerIds = new Set(demo.customers.map((c) => c.id));
const servedBy = new Map<string, Set<string>>();
for (const r of demo.relationships) if (r.type === 'SERVES') servedBy.set(r.from, (servedBy.get(r.from) ?? new Set()).add(r.to));
const customersOf = (partner: string) => servedBy.get(partner) ?? new Set<string>();
const partnerLinks = new Set(demo.relationships.filter((r) => r.type !== 'SERVES').flatMap((r) => [`${r.from}|${r.to}`, `${r.to}|${r.from}`]));
const linked = (a: string, b: string) => partnerLinks.has(`${a}|${b}`);
const holds = (partnerId: string, capability: string) => demo.partners.find((p) => p.id === partnerId)!.capabilities.some((c) => c.id === capability);

function ecosystemGraph(without?: string): UndirectedGraph {
  const graph = new UndirectedGraph();
  for (const id of [...partnerIds, ...customerIds]) if (id !== without) graph.addNode(id);
  for (const r of demo.relationships) if (r.from !== without && r.to !== without) graph.mergeEdge(r.from, r.to);
  return graph;
}

function componentOf(graph: UndirectedGraph, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let node = queue.pop(); node !== undefined; node = queue.pop()) {
    graph.forEachNeighbor(node, (n) => {
      if (!seen.has(n)) seen.add(n), queue.push(n);
    });
  }
  return seen;
}

describe('the demo bundle', () => {
  it('passes the envelope and every row its section schema', () => {
    const envelope = BundleEnvelope.parse(raw);
    for (const section of Object.keys(BUNDLE_SECTIONS) as BundleSection[]) {
      envelope[section].forEach((row, index) => {
        const result = BUNDLE_SECTIONS[section].safeParse(row);
        expect(result.success, `${section}[${index}]: ${result.error?.message}`).toBe(true);
      });
    }
    expect(() => Bundle.parse(raw)).not.toThrow();
  });

  it('has realistic sizes', () => {
    expect(demo.partners.length).toBeGreaterThanOrEqual(150);
    expect(demo.partners.length).toBeLessThanOrEqual(300);
    expect(demo.customers.length).toBeGreaterThanOrEqual(300);
    expect(demo.capabilities.length).toBeGreaterThanOrEqual(30);
    expect(demo.regions).toHaveLength(6);
    expect(demo.segments.map((s) => s.id)).toEqual(['smb', 'midmarket', 'enterprise', 'public']);
    expect(demo.deals.length).toBeGreaterThanOrEqual(30);
    expect(demo.solutions.length).toBeGreaterThanOrEqual(10);
    const types = new Set(demo.partners.flatMap((p) => p.types));
    expect(types.size).toBe(6);
    const multiRole = demo.partners.filter((p) => p.types.length > 1).length / demo.partners.length;
    expect(multiRole).toBeGreaterThan(0.1);
    expect(multiRole).toBeLessThan(0.25);
    expect(new Set(demo.relationships.map((r) => r.source))).toEqual(new Set(['crm', 'prm', 'marketplace']));
  });

  it('references only things it contains', () => {
    const capabilityIds = new Set(demo.capabilities.map((c) => c.id));
    const regionIds = new Set(demo.regions.map((r) => r.id));
    const segmentIds = new Set(demo.segments.map((s) => s.id));
    expect(new Set([...partnerIds, ...customerIds]).size).toBe(demo.partners.length + demo.customers.length);
    for (const r of demo.relationships) {
      expect(partnerIds.has(r.from), `${r.type} from ${r.from}`).toBe(true);
      expect(r.type === 'SERVES' ? customerIds.has(r.to) : partnerIds.has(r.to), `${r.type} to ${r.to}`).toBe(true);
      expect(r.from).not.toBe(r.to);
    }
    for (const p of demo.partners) {
      for (const c of p.capabilities) expect(capabilityIds.has(c.id), c.id).toBe(true);
      for (const r of p.regions) expect(regionIds.has(r), r).toBe(true);
      for (const s of p.segments) expect(segmentIds.has(s), s).toBe(true);
    }
    for (const c of demo.customers) {
      expect(regionIds.has(c.region) && segmentIds.has(c.segment), c.id).toBe(true);
      for (const n of c.needs) expect(capabilityIds.has(n), n).toBe(true);
    }
    for (const d of demo.deals) {
      expect(customerIds.has(d.customer), d.id).toBe(true);
      for (const p of d.partners) expect(partnerIds.has(p.partner), p.partner).toBe(true);
    }
    for (const s of demo.solutions) for (const p of s.partners) expect(partnerIds.has(p), p).toBe(true);
  });

  it('is exactly what seeds/demo/build.ts builds, in JSON and in CSV', () => {
    expect(buildDemoBundle()).toEqual(demo);
    const csvDirectory = demoFile('csv/');
    const files = Object.fromEntries(readdirSync(csvDirectory).map((f) => [f, readFileSync(new URL(f, csvDirectory), 'utf8')]));
    expect(files).toEqual(bundleToCsv(demo));
    expect(Bundle.parse(parseCsvBundle(files))).toEqual(Bundle.parse(demo));
  });

  it("lists every story's ids in STORIES.md", () => {
    const stories = readFileSync(demoFile('STORIES.md'), 'utf8');
    const ids = JSON.stringify(STORY_IDS).match(/"(p|c|d|prm|cap)-[^"]+"/g)!.map((s) => s.slice(1, -1));
    for (const id of ids) expect(stories, id).toContain(`\`${id}\``);
  });

  it("passes the builder's own story checks", () => {
    expect(checkStories(demo)).toEqual([]);
  });
});

describe('the demo stories', () => {
  it('a: the MLOps technology partner has apac customers but no implementer there', () => {
    const { technology, capability, region } = STORY_IDS.gap;
    expect(holds(technology, capability)).toBe(true);
    const apacCustomers = [...customersOf(technology)].filter((c) => demo.customers.find((x) => x.id === c)!.region === region);
    expect(apacCustomers.length).toBeGreaterThanOrEqual(5);
    const implementers = demo.relationships.filter((r) => r.type === 'IMPLEMENTS' && r.to === technology).map((r) => r.from);
    expect(implementers.sort()).toEqual([...STORY_IDS.gap.implementers].sort());
    for (const id of implementers) expect(demo.partners.find((p) => p.id === id)!.regions).not.toContain(region);
    const localServices = demo.partners.filter((p) => p.types.includes('service') && p.regions.includes(region) && holds(p.id, capability));
    expect(localServices).toEqual([]);
  });

  it('b: the pair shares at least 12 customers, has no relationship, and no unrelated pair shares more', () => {
    const [a, b] = STORY_IDS.introduction.partners;
    const shared = (x: string, y: string) => [...customersOf(x)].filter((c) => customersOf(y).has(c)).length;
    expect(shared(a, b)).toBeGreaterThanOrEqual(12);
    expect(linked(a, b)).toBe(false);
    const best = Math.max(
      ...demo.partners.flatMap((x) => demo.partners.filter((y) => x.id < y.id && !(x.id === a && y.id === b) && !(x.id === b && y.id === a) && !linked(x.id, y.id)).map((y) => shared(x.id, y.id))),
    );
    expect(best).toBeLessThan(shared(a, b));
  });

  it('c: the broker is an articulation point between the two clusters, with top-three betweenness', () => {
    const { partner, latamCluster, emeaSouthCluster } = STORY_IDS.broker;
    const whole = ecosystemGraph();
    expect(componentOf(whole, latamCluster[0]!).has(emeaSouthCluster[0]!)).toBe(true);
    const cut = componentOf(ecosystemGraph(partner), latamCluster[0]!);
    for (const id of latamCluster) expect(cut.has(id), id).toBe(true);
    for (const id of emeaSouthCluster) expect(cut.has(id), id).toBe(false);
    expect(cut.size).toBeGreaterThanOrEqual(40);
    const scores = betweennessCentrality(whole);
    const ranking = demo.partners.map((p) => p.id).sort((x, y) => scores[y]! - scores[x]!);
    expect(ranking.slice(0, 3)).toContain(partner);
  });

  it('d: public customers need the capability and no partner serving public holds it', () => {
    const { capability, region, segment, demand } = STORY_IDS.zeroSupply;
    const needing = demo.customers.filter((c) => c.segment === segment && c.region === region && c.needs.includes(capability));
    expect(needing).toHaveLength(demand);
    const publicCustomers = new Set(demo.customers.filter((c) => c.segment === 'public').map((c) => c.id));
    const servesPublic = demo.partners.filter((p) => p.segments.includes('public') || [...customersOf(p.id)].some((c) => publicCustomers.has(c)));
    expect(servesPublic.length).toBeGreaterThan(10);
    for (const p of servesPublic) expect(holds(p.id, capability), p.id).toBe(false);
    expect(demo.partners.filter((p) => holds(p.id, capability)).map((p) => p.id).sort()).toEqual([...STORY_IDS.zeroSupply.holders].sort());
  });

  it('e: exactly one connected reseller + technology + service team covers the customer', () => {
    const { customer, region, needs, team, deal } = STORY_IDS.dealTeam;
    const account = demo.customers.find((c) => c.id === customer)!;
    expect(account.region).toBe(region);
    expect([...account.needs].sort()).toEqual([...needs].sort());
    expect(cohesiveTeams(demo, region, needs)).toEqual([[team.reseller, team.technology, team.service]]);
    expect(linked(team.reseller, team.technology) && linked(team.service, team.technology) && linked(team.reseller, team.service)).toBe(true);
    expect(demo.deals.find((d) => d.id === deal)).toMatchObject({ customer, region, partners: [] });
  });

  it('f: one company arrives from the CRM and the PRM with differently written domains', () => {
    const { crm, prm } = STORY_IDS.duplicate;
    const [fromCrm, fromPrm] = [crm, prm].map((id) => demo.partners.find((p) => p.id === id)!);
    expect(fromCrm!.sources).toEqual(['crm']);
    expect(fromPrm!.sources).toEqual(['prm']);
    expect(fromCrm!.domain).not.toBe(fromPrm!.domain);
    expect(normaliseDomain(fromCrm!.domain!)).toBe(normaliseDomain(fromPrm!.domain!));
    const domains = demo.partners.filter((p) => p.domain !== undefined).map((p) => normaliseDomain(p.domain!));
    expect(new Set(domains).size).toBe(domains.length - 1);
    expect(demo.relationships.some((r) => r.from === crm && r.source === 'crm')).toBe(true);
    expect(demo.relationships.some((r) => r.from === prm && r.source === 'prm')).toBe(true);
  });

  it('g: only the planted partners are isolated, and each planted capability has a single holder', () => {
    const touched = new Set(demo.relationships.flatMap((r) => [r.from, r.to]));
    expect(demo.partners.filter((p) => !touched.has(p.id)).map((p) => p.id).sort()).toEqual([...STORY_IDS.isolated].sort());
    for (const { capability, partner } of STORY_IDS.singlePointsOfFailure) {
      expect(demo.partners.filter((p) => holds(p.id, capability)).map((p) => p.id)).toEqual([partner]);
      expect(demo.customers.some((c) => c.needs.includes(capability))).toBe(true);
    }
  });

  it('h: the conflict deals are claimed over 100% by two partners', () => {
    for (const id of STORY_IDS.conflicts) {
      const deal = demo.deals.find((d) => d.id === id)!;
      expect(deal.partners).toHaveLength(2);
      expect(deal.partners.reduce((sum, p) => sum + (p.claimedShare ?? 0), 0)).toBeGreaterThan(1);
    }
  });
});
