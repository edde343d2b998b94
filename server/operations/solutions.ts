/**
 * Solution validation and customer fit: pure functions of store records.
 *
 * A solution is broken when it can no longer be delivered as catalogued: a
 * member was deleted, a member churned in every track it is in, or no
 * technology member is related (INTEGRATES_WITH / IMPLEMENTS, either
 * direction) to any service member. It is at risk when it still can, with a
 * gap sales should know of: a member churned in some of its tracks, some
 * technology or service members are related to no member of the other side,
 * a capability no member holds, a region it is sold in where no member
 * operates. Otherwise it is valid.
 */
import type { CustomerSolutions, SolutionCheck, SolutionFit, SolutionMember, SolutionStatus, SolutionValidation } from '../schemas/solutions.js';
import type { CatalogueNames, CustomerContext, MemberFacts, SolutionRecord } from '../store/solution-records.js';
import { round3 } from '../order.js';

/** Score weights of customer fit (README, Solution catalogue). */
export const FIT_WEIGHTS = { coverage: 0.6, inRegion: 0.2, serving: 0.2 } as const;
/** An at-risk solution's score is scaled by this: it fits, with a gap to close first. */
export const AT_RISK_FACTOR = 0.5;

const list = (names: string[]) => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** A member's side of the solution: technology, service (service or msp partners), or its first type. */
export function memberRole(m: MemberFacts): string | undefined {
  if (m.types.includes('technology')) return 'technology';
  if (m.types.includes('service') || m.types.includes('msp')) return 'service';
  return m.types[0];
}

function pass(check: SolutionCheck['check'], detail: string): SolutionCheck {
  return { check, ok: true, detail };
}
function fail(check: SolutionCheck['check'], failsAs: 'at-risk' | 'broken', detail: string): SolutionCheck {
  return { check, ok: false, detail, failsAs };
}

function membersExist(s: SolutionRecord, live: MemberFacts[]): SolutionCheck {
  const gone = s.declared.filter((id) => !live.some((m) => m.id === id));
  if (gone.length === 0) return pass('members-exist', `All ${live.length} members exist: ${list(live.map((m) => m.name))}.`);
  // A deleted partner's name went with it: its id is all the store still knows.
  const ids = list(gone.map((id) => `"${id}"`));
  return fail('members-exist', 'broken', gone.length === 1 ? `A member no longer exists: partner ${ids} was deleted.` : `${gone.length} members no longer exist: partners ${ids} were deleted.`);
}

function membersActive(live: MemberFacts[]): SolutionCheck {
  const churned = live.map((m) => ({ m, tracks: m.stages.filter((s) => s.stage === 'churned').map((s) => s.track) })).filter((c) => c.tracks.length > 0);
  if (churned.length === 0) return pass('members-active', 'No member has churned.');
  const everywhere = (c: (typeof churned)[number]) => c.tracks.length === c.m.stages.length;
  const say = (c: (typeof churned)[number]) => `${c.m.name} churned in ${everywhere(c) ? 'every track it is in' : 'track'} ${list(c.tracks)}`;
  if (churned.some(everywhere)) return fail('members-active', 'broken', `${list(churned.map(say))}.`);
  return fail('members-active', 'at-risk', `${list(churned.map(say))}, and is still active in its other tracks.`);
}

function membersIntegrated(live: MemberFacts[]): SolutionCheck {
  const tech = live.filter((m) => memberRole(m) === 'technology');
  const service = live.filter((m) => memberRole(m) === 'service');
  if (tech.length === 0 || service.length === 0) {
    return pass('members-integrated', `No technology and service pair to check: the members are ${list(live.map((m) => `${m.name} (${memberRole(m) ?? 'no type'})`)) || 'none'}.`);
  }
  const linked = (a: MemberFacts, b: MemberFacts) => a.related.includes(b.id) || b.related.includes(a.id);
  const pairs = tech.flatMap((t) => service.filter((v) => linked(t, v)).map((v) => `${v.name} with ${t.name}`));
  const alone = [...tech.filter((t) => !service.some((v) => linked(t, v))), ...service.filter((v) => !tech.some((t) => linked(t, v)))];
  if (pairs.length === 0) return fail('members-integrated', 'broken', `No technology member (${list(tech.map((m) => m.name))}) integrates with or is implemented by a service member (${list(service.map((m) => m.name))}).`);
  if (alone.length > 0) return fail('members-integrated', 'at-risk', `${list(alone.map((m) => m.name))} ${alone.length === 1 ? 'is' : 'are'} related to no member of the other side; related: ${list(pairs)}.`);
  return pass('members-integrated', `Every technology and service member is related to the other side: ${list(pairs)}.`);
}

function capabilitiesCovered(s: SolutionRecord, live: MemberFacts[], names: CatalogueNames): SolutionCheck {
  const name = (id: string) => names.capabilities.get(id) ?? id;
  const missing = s.capabilities.filter((c) => !live.some((m) => m.capabilities.includes(c)));
  if (s.capabilities.length === 0) return pass('capabilities-covered', 'The solution names no capability to check.');
  if (missing.length === 0) return pass('capabilities-covered', `A member holds each capability: ${list(s.capabilities.map((c) => `${name(c)} (${list(live.filter((m) => m.capabilities.includes(c)).map((m) => m.name))})`))}.`);
  return fail('capabilities-covered', 'at-risk', `No member holds ${list(missing.map(name))}.`);
}

function regionsCovered(s: SolutionRecord, live: MemberFacts[], names: CatalogueNames): SolutionCheck {
  if (s.regions === undefined || s.regions.length === 0) return pass('regions-covered', 'The solution names no regions it is sold in: nothing to check.');
  const name = (id: string) => names.regions.get(id) ?? id;
  const missing = s.regions.filter((r) => !live.some((m) => m.regions.includes(r)));
  if (missing.length === 0) return pass('regions-covered', `A member operates in each region it is sold in: ${list(s.regions.map(name))}.`);
  return fail('regions-covered', 'at-risk', `Sold in ${list(missing.map(name))}, where no member operates.`);
}

export function statusOf(checks: SolutionCheck[]): SolutionStatus {
  if (checks.some((c) => c.failsAs === 'broken')) return 'broken';
  return checks.some((c) => !c.ok) ? 'at-risk' : 'valid';
}

export function validateSolution(s: SolutionRecord, members: Map<string, MemberFacts>, names: CatalogueNames): SolutionValidation {
  const live = s.partners.map((id) => members.get(id)).filter((m): m is MemberFacts => m !== undefined);
  const checks = [membersExist(s, live), membersActive(live), membersIntegrated(live), capabilitiesCovered(s, live, names), regionsCovered(s, live, names)];
  const ids = [...new Set([...s.declared, ...s.partners])].sort();
  const memberList = ids.map((id): SolutionMember => {
    const m = members.get(id);
    if (m === undefined) return { partnerId: id, exists: false, churnedIn: [] };
    const role = memberRole(m);
    return { partnerId: id, name: m.name, ...(role === undefined ? {} : { role }), exists: true, churnedIn: m.stages.filter((x) => x.stage === 'churned').map((x) => x.track) };
  });
  return { solutionId: s.id, name: s.name, status: statusOf(checks), checks, members: memberList };
}

/**
 * The solutions that fit a customer, best first. A solution fits when it
 * provides one of the customer's needs or a member already serves it.
 * score = (0.6·coverage + 0.2·inRegion + 0.2·serving) × (0.5 if at risk),
 * each term a share in [0, 1]; broken solutions are left out and listed.
 */
export function rankSolutions(
  customer: CustomerContext,
  catalogue: Array<{ solution: SolutionRecord; validation: SolutionValidation }>,
  members: Map<string, MemberFacts>,
  names: CatalogueNames,
): CustomerSolutions {
  const capabilityName = (id: string) => names.capabilities.get(id) ?? id;
  const items: SolutionFit[] = [];
  const excludedBroken: string[] = [];
  for (const { solution, validation } of catalogue) {
    const live = solution.partners.map((id) => members.get(id)).filter((m): m is MemberFacts => m !== undefined);
    const covered = customer.needs.filter((n) => solution.capabilities.includes(n));
    const inRegion = live.filter((m) => m.regions.includes(customer.region));
    const serving = live.filter((m) => customer.servedBy.includes(m.id));
    if (covered.length === 0 && serving.length === 0) continue;
    if (validation.status === 'broken') {
      excludedBroken.push(solution.name);
      continue;
    }
    const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
    const coverage = share(covered.length, customer.needs.length);
    const regional = share(inRegion.length, live.length);
    const served = share(serving.length, live.length);
    const raw = FIT_WEIGHTS.coverage * coverage + FIT_WEIGHTS.inRegion * regional + FIT_WEIGHTS.serving * served;
    items.push({
      solutionId: solution.id,
      name: solution.name,
      status: validation.status,
      score: round3(raw * (validation.status === 'at-risk' ? AT_RISK_FACTOR : 1)),
      coverage: round3(coverage),
      inRegion: round3(regional),
      serving: round3(served),
      evidence: { needsCovered: covered.map(capabilityName), membersInRegion: inRegion.map((m) => m.name), membersServing: serving.map((m) => m.name) },
    });
  }
  items.sort((a, b) => b.score - a.score || (a.solutionId < b.solutionId ? -1 : 1));
  return { customerId: customer.id, needs: customer.needs.map(capabilityName), region: names.regions.get(customer.region) ?? customer.region, items, excludedBroken: excludedBroken.sort() };
}
