/**
 * Tier evaluation: for each partner in each programme track, the highest tier
 * whose requirements it meets against the tier it holds. A partner holds one
 * tier (its `tier`), evaluated in every track it is in. A tier held that the
 * track does not define ranks below all of the track's tiers.
 */
import { LIFECYCLE_STAGES, type LifecycleStage } from '../schemas/model.js';
import { REQUIREMENT_KEYS, type ProgramTrack, type RequirementCheck, type TierEvaluation, type TierRequirements } from '../schemas/programs.js';
import type { PartnerActivity, TrackStanding } from '../store/program-records.js';
import { compareIds } from '../order.js';

const DAY_MS = 86_400_000;
/** Won deals count for a year back from the evaluation. */
const WON_WINDOW_DAYS = 365;

const NO_ACTIVITY: PartnerActivity = { certified: [], customers: 0, annualValue: 0, integrations: 0, wonDeals: [] };

/**
 * Checks each requirement a tier states. Won deals count when their part was
 * registered in the last 12 months, or carries no registration date: the
 * model holds no close date, and an undated win is not known to be old.
 */
export function checkRequirements(requirements: TierRequirements, activity: PartnerActivity, stage: LifecycleStage, now: Date): RequirementCheck[] {
  const since = now.getTime() - WON_WINDOW_DAYS * DAY_MS;
  const won = activity.wonDeals.filter((d) => d.registeredAt === undefined || (Date.parse(d.registeredAt) >= since && Date.parse(d.registeredAt) <= now.getTime()));
  const atLeast = (requirement: RequirementCheck['requirement'], required: number, actual: number): RequirementCheck => ({ requirement, required, actual, met: actual >= required });
  const checks: RequirementCheck[] = [];
  for (const key of REQUIREMENT_KEYS.filter((k) => requirements[k] !== undefined)) {
    const r = requirements;
    if (key === 'certifiedCapabilities') checks.push(atLeast(key, r.certifiedCapabilities!, activity.certified.length));
    else if (key === 'capabilities') {
      const missing = r.capabilities!.filter((c) => !activity.certified.includes(c));
      checks.push({ requirement: key, required: r.capabilities!, actual: r.capabilities!.filter((c) => activity.certified.includes(c)), met: missing.length === 0 });
    } else if (key === 'customers') checks.push(atLeast(key, r.customers!, activity.customers));
    else if (key === 'annualValue') checks.push(atLeast(key, r.annualValue!, activity.annualValue));
    else if (key === 'wonDeals') checks.push(atLeast(key, r.wonDeals!, won.length));
    else if (key === 'wonAmount') checks.push(atLeast(key, r.wonAmount!, won.reduce((sum, d) => sum + d.amount, 0)));
    else if (key === 'integrations') checks.push(atLeast(key, r.integrations!, activity.integrations));
    else if (key === 'stage') {
      const met = stage !== 'churned' && LIFECYCLE_STAGES.indexOf(stage) >= LIFECYCLE_STAGES.indexOf(r.stage!);
      checks.push({ requirement: key, required: r.stage!, actual: stage, met });
    }
  }
  return checks;
}

export function evaluateTiers(programs: ProgramTrack[], standings: TrackStanding[], activities: Map<string, PartnerActivity>, now: Date): TierEvaluation[] {
  const byId = new Map(programs.map((t) => [t.id, t]));
  const out: TierEvaluation[] = [];
  for (const s of standings) {
    const track = byId.get(s.track);
    if (track === undefined || track.tiers.length === 0) continue;
    const activity = activities.get(s.partner) ?? NO_ACTIVITY;
    const checks = track.tiers.map((tier) => checkRequirements(tier.requirements, activity, s.stage, now));
    const qualified = checks.findLastIndex((list) => list.every((c) => c.met));
    const current = track.tiers.findIndex((tier) => tier.id === s.tier);
    const status = qualified > current ? 'under-tiered' : qualified < current ? 'over-tiered' : 'ok';
    const explaining = status === 'under-tiered' ? qualified : current;
    out.push({
      partnerId: s.partner,
      track: s.track,
      currentTier: s.tier,
      qualifiedTier: qualified < 0 ? null : track.tiers[qualified]!.id,
      status,
      requirements: explaining < 0 ? [] : checks[explaining]!,
    });
  }
  return out.sort((a, b) => compareIds(a.track, b.track) || compareIds(a.partnerId, b.partnerId));
}

