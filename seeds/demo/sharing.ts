/**
 * Story m: account mapping. A few partners share with Cascade Cloud, one
 * level each, so that a partner key for it shows every level; everyone else
 * has set nothing and shares nothing (the product default).
 */
import type { Bundle } from '../../server/schemas/bundle.js';
import type { SharingRow } from '../../server/schemas/sharing.js';

export const SHARING_STORY = {
  partner: 'p-cascade-cloud',
  everything: 'p-skyline-cloud',
  overlaps: 'p-juniper-cloud',
  counts: 'p-kiwi-systems',
  /** Shares everything by default, and nothing with the story's partner. */
  hiddenButOpen: 'p-riviera-tech',
  /** Shares counts with everyone by default. */
  countsByDefault: 'p-levante-cloud',
} as const;

const s = SHARING_STORY;
export const DEMO_SHARING: SharingRow[] = [
  { partner: s.everything, partners: { [s.partner]: 'everything' } },
  { partner: s.overlaps, default: 'hidden', partners: { [s.partner]: 'overlaps' } },
  { partner: s.counts, partners: { [s.partner]: 'counts' } },
  { partner: s.hiddenButOpen, default: 'everything', partners: { [s.partner]: 'hidden' } },
  { partner: s.countsByDefault, default: 'counts' },
  { partner: s.partner, default: 'counts', partners: { [s.everything]: 'overlaps' } },
];

const customersOf = (bundle: Bundle, partner: string) => new Set(bundle.relationships.filter((r) => r.type === 'SERVES' && r.from === partner).map((r) => r.to));
const overlap = (bundle: Bundle, a: string, b: string) => [...customersOf(bundle, a)].filter((c) => customersOf(bundle, b).has(c)).sort();

/** The story's facts on the raw bundle: its partners exist and each level has customers in common to show. */
export function checkSharingStory(bundle: Bundle): string[] {
  const ids = new Set(bundle.partners.map((p) => p.id));
  const failures = Object.values(SHARING_STORY)
    .filter((id) => !ids.has(id))
    .map((id) => `m: partner ${id} is not in the demo`);
  for (const other of [s.everything, s.overlaps, s.counts, s.hiddenButOpen, s.countsByDefault]) {
    if (overlap(bundle, s.partner, other).length === 0) failures.push(`m: ${other} has no customer in common with ${s.partner}`);
  }
  return failures;
}

export function sharingStoryMarkdown(bundle: Bundle): string {
  const name = (id: string) => bundle.partners.find((p) => p.id === id)?.name ?? id;
  const count = (other: string) => overlap(bundle, s.partner, other).length;
  const ids = (list: string[]) => list.map((id) => `\`${id}\``).join(', ');
  return `
## m. Account mapping: what partners share with Cascade Cloud

Sharing levels are set for a few partners (the bundle's \`sharing\` section); every other partner has set nothing and shares nothing (the product default, \`hidden\`). What \`${s.partner}\` (${name(s.partner)}) sees with a partner key (\`npm run keys -- create --role partner --name cascade --partner ${s.partner}\`; \`GET /api/partners/${s.partner}/account-mapping\`, or the web app with that key, which opens on its **Account mapping**; editors set levels in a partner's details, section **Sharing**):
- \`${s.everything}\` shares **everything** with it: all its ${customersOf(bundle, s.everything).size} customers and its relationships (${count(s.everything)} customers in common).
- \`${s.overlaps}\` shares the **overlaps**: the ${count(s.overlaps)} customers both serve, ${ids(overlap(bundle, s.partner, s.overlaps))}, and nothing with anyone else (its default is hidden).
- \`${s.counts}\` shares **counts**: ${count(s.counts)} customers in common, not which.
- \`${s.countsByDefault}\` shares counts with every partner by default: ${count(s.countsByDefault)} in common.
- \`${s.hiddenButOpen}\` shares everything by default but named \`${s.partner}\` **hidden**: it does not appear, although they have ${count(s.hiddenButOpen)} customers in common.
\`${s.partner}\` itself shares counts by default and the overlaps with \`${s.everything}\`. Its introductions and deal teams are computed from its own relationships plus what the others shared (\`GET /api/partners/${s.partner}/introductions\` with its key names none of the hidden partners' customers).
`;
}
