/**
 * The Neo4j executor's two boundaries that need no server: the parameters it
 * sends and the results it hands back, built with neo4j-driver's own types.
 */
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { toNeo4jParams } from '../neo4j.js';
import { toPlain } from '../normalise.js';

describe('parameters sent to Neo4j', () => {
  it('sends integral numbers as Neo4j integers (LIMIT and SKIP refuse floats) and keeps the rest', () => {
    const params = toNeo4jParams({ limit: 50, share: 0.6, q: null, rows: [{ id: 'a', props: { revenue: 1200000, types: ['msp'] } }] }) as Record<string, unknown>;
    expect(neo4j.isInt(params.limit)).toBe(true);
    expect((params.limit as { toNumber(): number }).toNumber()).toBe(50);
    expect(params.share).toBe(0.6);
    expect(params.q).toBeNull();
    const row = (params.rows as Array<{ id: string; props: { revenue: unknown; types: string[] } }>)[0]!;
    expect(row.id).toBe('a');
    expect(neo4j.isInt(row.props.revenue)).toBe(true);
    expect(row.props.types).toEqual(['msp']);
  });

  it('refuses an integral number past ±2^53 instead of letting neo4j.int clamp it to ±2^63', () => {
    expect(() => toNeo4jParams({ rows: [{ props: { revenue: 5e21 } }] })).toThrow(/\$\.rows\[0\]\.props\.revenue = 5e\+21/);
    expect(() => toNeo4jParams({ skip: -(2 ** 53) })).toThrow(/outside/);
    expect((toNeo4jParams({ n: Number.MAX_SAFE_INTEGER }) as { n: { toNumber(): number } }).n.toNumber()).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('results normalised to plain values', () => {
  it('turns Neo4j integers, temporal values, nodes and relationships into plain values', () => {
    const node = new neo4j.types.Node(neo4j.int(7), ['Partner'], { id: 'p-1', revenue: neo4j.int(12) }, 'element-7');
    const relationship = new neo4j.types.Relationship(neo4j.int(1), neo4j.int(7), neo4j.int(8), 'SERVES', { role: 'resell' }, 'e1', 'element-7', 'element-8');
    const when = new neo4j.types.DateTime(2026, 1, 2, 3, 4, 5, 0, 0);
    expect(toPlain({ count: neo4j.int(3), node, relationship, when, list: [neo4j.int(1), 'x'], big: 5n })).toEqual({
      count: 3,
      node: { id: 'p-1', revenue: 12 },
      relationship: { role: 'resell' },
      when: '2026-01-02T03:04:05Z',
      list: [1, 'x'],
      big: 5,
    });
  });
});
