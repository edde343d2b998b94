/** The best introductions depend on the ecosystem, not on the order its records arrived in. */
import { expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { projectBundle } from '../../projection/from-bundle.js';
import { shuffled } from '../../test/fixtures.js';
import { topIntroductions } from '../introductions.js';
import { IntroductionsQuery } from '../../schemas/analytics.js';

it('gives the same whole-ecosystem introductions for a bundle projected in two orders', () => {
  const bundle = generateBundle({ partners: 3000, customers: 6000, relationships: 30000, seed: 3 });
  // Projected as imported in place: nodes and edges in the bundle's order.
  const a = projectBundle(bundle).graph;
  const b = projectBundle({ ...bundle, partners: shuffled(bundle.partners, 1), customers: shuffled(bundle.customers, 2), relationships: shuffled(bundle.relationships, 3) }).graph;
  const q = IntroductionsQuery.parse({});
  expect(topIntroductions(b, q)).toEqual(topIntroductions(a, q));
});
