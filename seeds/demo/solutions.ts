/**
 * The demo's solution catalogue stories: every solution sold where its
 * members operate, with its technology and service members related, except
 * two planted ones: a broken solution (its technology and service members
 * are not related) and an at-risk one (sold in a region where no member
 * operates). Validation here is the product's own pure function, run on the
 * raw bundle.
 */
import type { Bundle } from '../../server/schemas/bundle.js';
import type { Partner, Relationship, Solution } from '../../server/schemas/model.js';
import { memberRole, validateSolution } from '../../server/operations/solutions.js';
import type { MemberFacts, SolutionRecord } from '../../server/store/solution-records.js';

export const SOLUTION_STORY = {
  /** Its technology and service members have no INTEGRATES_WITH / IMPLEMENTS between them. */
  broken: 's-soc-24x7',
  /** Sold in one more region than its members operate in. */
  atRisk: 's-grid-edge-analytics',
} as const;

type Link = (from: string, to: string, type: 'IMPLEMENTS', source: string) => boolean;

const churnedEverywhere = (p: Partner) => Object.keys(p.lifecycle).length > 0 && Object.values(p.lifecycle).every((s) => s === 'churned');

/** Runs after the programme is planted, since churn decides who stays a member. */
/** `open` tells the partners free to take part (not pinned by another story, like the clusters of story c). */
export function plantSolutionStories(partners: Partner[], solutions: Solution[], relationships: Relationship[], link: Link, regionIds: readonly string[], open: (id: string) => boolean): void {
  const byId = new Map(partners.map((p) => [p.id, p]));
  const related = (a: string, b: string) => relationships.some((r) => (r.type === 'INTEGRATES_WITH' || r.type === 'IMPLEMENTS') && ((r.from === a && r.to === b) || (r.from === b && r.to === a)));
  const roleOf = (p: Partner) => memberRole({ id: p.id, name: p.name, types: p.types, stages: [], regions: [], capabilities: [], related: [] });
  const holds = (p: Partner, capability: string) => p.capabilities.some((c) => c.id === capability);
  for (const s of solutions) {
    // A member that left the programme gives its place to a partner of the same role holding what only it held.
    s.partners = s.partners.map((id) => {
      const gone = byId.get(id)!;
      if (!churnedEverywhere(gone)) return id;
      const only = s.capabilities.filter((c) => holds(gone, c) && !s.partners.some((other) => other !== id && holds(byId.get(other)!, c)));
      return partners.find((p) => open(p.id) && !s.partners.includes(p.id) && !churnedEverywhere(p) && roleOf(p) === roleOf(gone) && only.every((c) => holds(p, c)))?.id ?? id;
    });
    if (s.id !== SOLUTION_STORY.broken) {
      // A service member unrelated to the technology gives its place to one that already implements it, holding
      // what only it held; failing that, it implements the technology from now on. Existing links first: a new
      // one can join clusters another story keeps apart.
      const tech = s.partners.map((id) => byId.get(id)!).filter((m) => roleOf(m) === 'technology');
      s.partners = s.partners.map((id) => {
        const service = byId.get(id)!;
        if (roleOf(service) !== 'service' || tech.length === 0 || tech.some((t) => related(id, t.id))) return id;
        const only = s.capabilities.filter((c) => holds(service, c) && !s.partners.some((other) => other !== id && holds(byId.get(other)!, c)));
        const swap = partners.find((p) => open(p.id) && !s.partners.includes(p.id) && !churnedEverywhere(p) && roleOf(p) === 'service' && tech.some((t) => related(p.id, t.id)) && only.every((c) => holds(p, c)));
        if (swap !== undefined) return swap.id;
        const partner = tech.find((t) => open(t.id));
        // A technology partner pinned by another story (a's, whose implementers are counted) takes no new implementer: the member leaves.
        if (partner === undefined || !open(id)) return null;
        link(id, partner.id, 'IMPLEMENTS', 'prm');
        return id;
      }).filter((id) => id !== null);
    }
    s.regions = [...new Set(s.partners.flatMap((id) => byId.get(id)!.regions))].sort();
    if (s.id === SOLUTION_STORY.atRisk) s.regions = [...s.regions, regionIds.find((r) => !s.regions!.includes(r))!].sort();
  }
}

/** Every solution of a bundle validated on its raw data, as the store would: for stories and the generator's check. */
export function validateBundleSolutions(bundle: Bundle) {
  const related = new Map<string, string[]>();
  for (const r of bundle.relationships) {
    if (r.type !== 'INTEGRATES_WITH' && r.type !== 'IMPLEMENTS') continue;
    related.set(r.from, [...(related.get(r.from) ?? []), r.to]);
    related.set(r.to, [...(related.get(r.to) ?? []), r.from]);
  }
  const members = new Map<string, MemberFacts>(
    bundle.partners.map((p) => [
      p.id,
      {
        id: p.id,
        name: p.name,
        types: p.types,
        stages: Object.entries(p.lifecycle).map(([track, stage]) => ({ track, stage })),
        regions: p.regions,
        capabilities: p.capabilities.map((c) => c.id),
        related: related.get(p.id) ?? [],
      },
    ]),
  );
  const names = { capabilities: new Map(bundle.capabilities.map((c) => [c.id, c.name])), regions: new Map(bundle.regions.map((r) => [r.id, r.name ?? r.id])) };
  return bundle.solutions.map((s) => {
    const record: SolutionRecord = { id: s.id, name: s.name, declared: s.partners, partners: s.partners, capabilities: s.capabilities, ...(s.regions === undefined ? {} : { regions: s.regions }) };
    return validateSolution(record, members, names);
  });
}

/** The story's facts on the raw bundle; an empty list when they hold. */
export function checkSolutionStory(bundle: Bundle): string[] {
  const failures: string[] = [];
  for (const v of validateBundleSolutions(bundle)) {
    const expected = v.solutionId === SOLUTION_STORY.broken ? 'broken' : v.solutionId === SOLUTION_STORY.atRisk ? 'at-risk' : 'valid';
    if (v.status !== expected) failures.push(`k: solution ${v.solutionId} is ${v.status}, not ${expected} (${v.checks.filter((c) => !c.ok).map((c) => c.detail).join(' ')})`);
  }
  return failures;
}

export function solutionStoryMarkdown(bundle: Bundle): string {
  const validations = validateBundleSolutions(bundle);
  const failed = (id: string) => validations.find((v) => v.solutionId === id)!.checks.filter((c) => !c.ok).map((c) => c.detail).join(' ');
  return `
## l. The solution catalogue: one broken solution, one at risk

The demo has ${validations.length} solutions; each is sold in the regions its members operate in (\`regions\`), and its service members implement its technology member, except two. \`${SOLUTION_STORY.broken}\` is broken: ${failed(SOLUTION_STORY.broken)} \`${SOLUTION_STORY.atRisk}\` is at risk: ${failed(SOLUTION_STORY.atRisk)} Every other solution is valid. Expected: \`GET /api/solutions\` gives those statuses (\`?status=broken\` lists only \`${SOLUTION_STORY.broken}\`), \`GET /api/solutions/${SOLUTION_STORY.broken}/validation\` fails its \`members-integrated\` check, and the Solutions tab shows the two badges.
`;
}
