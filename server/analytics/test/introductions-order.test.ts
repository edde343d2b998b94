/** The best introductions depend on the ecosystem, not on the order its records arrived in. */
import { expect, it } from 'vitest';
import { generateBundle } from '../../../seeds/generate.js';
import { projectBundle } from '../../projection/from-bundle.js';
import { seededRandom } from '../communities.js';
import { topIntroductions } from '../introductions.js';
import { IntroductionsQuery } from '../../schemas/analytics.js';

function shuffle<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
it('gives the same whole-ecosystem introductions for a bundle projected in two orders', () => {
  const bundle = generateBundle({ partners: 3000, customers: 6000, relationships: 30000, seed: 3 });
  // Projected as imported in place: nodes and edges in the bundle's order.
  const a = projectBundle(bundle).graph;
  const b = projectBundle({ ...bundle, partners: shuffle(bundle.partners, 1), customers: shuffle(bundle.customers, 2), relationships: shuffle(bundle.relationships, 3) }).graph;
  const q = IntroductionsQuery.parse({});
  expect(topIntroductions(b, q)).toEqual(topIntroductions(a, q));
});
