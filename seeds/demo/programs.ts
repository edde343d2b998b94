/**
 * The demo's partner programme: a track per kind of partner with benefits,
 * tiers and stall limits; every partner's lifecycle history; and the planted
 * programme stories (a partner under its tier, one over it, one stalled at
 * onboarding). Histories use a random stream of their own, so that the rest
 * of the demo is drawn exactly as before.
 */
import type { Bundle } from '../../server/schemas/bundle.js';
import { LIFECYCLE_STAGES, type LifecycleStage, type LifecycleTransition, type Partner } from '../../server/schemas/model.js';
import type { ProgramTrack } from '../../server/schemas/programs.js';
import type { PartnerActivity, TrackStanding } from '../../server/store/program-records.js';

type Rng = { int(min: number, max: number): number; pick<T>(items: readonly T[]): T };

const STALL_LIMITS = { recruit: 60, onboard: 90, activate: 180, grow: 365 };
const registered = { id: 'registered', benefits: [], requirements: {} };

/** Tracks ids follow the demo's lifecycle tracks; referral and msp partners also sit in resell and services there. */
export const DEMO_PROGRAMS: ProgramTrack[] = [
  {
    id: 'cloud-marketplace',
    name: 'Technology and marketplace',
    partnerTypes: ['technology', 'marketplace'],
    benefits: ['integration support', 'marketplace listing', 'joint positioning'],
    protectionDays: 60,
    stallLimits: STALL_LIMITS,
    tiers: [
      registered,
      { id: 'silver', benefits: ['marketplace listing'], requirements: { integrations: 1 } },
      { id: 'gold', benefits: ['joint positioning'], requirements: { integrations: 2, customers: 5 } },
      { id: 'platinum', benefits: ['co-marketing fund'], requirements: { customers: 15, annualValue: 2_000_000 } },
    ],
  },
  {
    id: 'msp',
    name: 'Managed service providers',
    partnerTypes: ['msp'],
    benefits: ['consumption margin', 'managed-service runbooks'],
    protectionDays: 90,
    stallLimits: STALL_LIMITS,
    tiers: [registered, { id: 'silver', benefits: [], requirements: { customers: 3 } }, { id: 'gold', benefits: [], requirements: { customers: 10, certifiedCapabilities: 2 } }],
  },
  {
    id: 'referral',
    name: 'Referral',
    partnerTypes: ['referral'],
    benefits: ['referral fee', 'simple lead submission'],
    protectionDays: 30,
    stallLimits: { recruit: 30, onboard: 30 },
    tiers: [registered, { id: 'silver', benefits: ['higher referral fee'], requirements: { wonDeals: 1 } }],
  },
  {
    id: 'resell',
    name: 'Resell',
    partnerTypes: ['reseller'],
    benefits: ['margin', 'deal-registration protection days', 'MDF'],
    protectionDays: 90,
    stallLimits: STALL_LIMITS,
    tiers: [
      registered,
      { id: 'silver', benefits: ['15% margin'], requirements: { customers: 2, stage: 'activate' } },
      { id: 'gold', benefits: ['25% margin', 'MDF'], requirements: { customers: 5, annualValue: 250_000, certifiedCapabilities: 1 } },
      { id: 'platinum', benefits: ['35% margin', 'MDF', 'named channel manager'], requirements: { customers: 10, annualValue: 1_000_000, certifiedCapabilities: 2, wonDeals: 1 } },
    ],
  },
  {
    id: 'services',
    name: 'Services',
    partnerTypes: ['service'],
    benefits: ['implementation training', 'delivery framework', 'customer-success playbooks'],
    protectionDays: 90,
    stallLimits: STALL_LIMITS,
    tiers: [
      registered,
      { id: 'silver', benefits: ['implementation training'], requirements: { certifiedCapabilities: 1, customers: 1 } },
      { id: 'gold', benefits: ['delivery framework'], requirements: { certifiedCapabilities: 2, customers: 3, integrations: 1 } },
      { id: 'platinum', benefits: ['customer-success playbooks'], requirements: { certifiedCapabilities: 3, customers: 6, annualValue: 1_000_000, integrations: 2 } },
    ],
  },
];

/** Histories end this long before this date; stalled partners are measured from when the API is asked. */
export const HISTORY_AS_OF = '2026-11-20T00:00:00.000Z';
const DAY_MS = 86_400_000;

/** The planted programme stories: a partner held below the tier its data earns, one above it, one stalled at onboarding. */
export interface ProgramStory {
  underTiered: { partner: string; track: string; held: string };
  overTiered: { partner: string; track: string; held: string };
  stalled: { partner: string; track: string; stage: LifecycleStage; days: number };
}

/** Facts of the bundle as tier evaluation reads them from the store, computed from the bundle itself. */
export function activitiesFromBundle(bundle: Bundle): Map<string, PartnerActivity> {
  const out = new Map<string, PartnerActivity>();
  for (const p of bundle.partners) out.set(p.id, { certified: p.capabilities.filter((c) => c.certified).map((c) => c.id), customers: 0, annualValue: 0, integrations: 0, wonDeals: [] });
  const served = new Map<string, Set<string>>();
  for (const r of bundle.relationships) {
    const a = out.get(r.from)!;
    if (r.type === 'SERVES') {
      served.set(r.from, (served.get(r.from) ?? new Set()).add(r.to));
      a.annualValue += r.annualValue ?? 0;
    } else if (r.type === 'INTEGRATES_WITH' || r.type === 'IMPLEMENTS') a.integrations += 1;
  }
  for (const [id, customers] of served) out.get(id)!.customers = customers.size;
  for (const d of bundle.deals) if (d.stage === 'won') for (const p of d.partners) out.get(p.partner)?.wonDeals.push({ deal: d.id, amount: d.amount ?? 0 });
  return out;
}

export function standingsFromBundle(bundle: Bundle): TrackStanding[] {
  return bundle.partners.flatMap((p) =>
    Object.entries(p.lifecycle).map(([track, stage]) => ({ partner: p.id, tier: p.tier, track, stage, since: p.lifecycleHistory?.filter((x) => x.track === track).at(-1)?.at ?? HISTORY_AS_OF })),
  );
}

/** Moves from recruit to the partner's stage, dated backwards from HISTORY_AS_OF; `daysAtStage` fixes the last stay. */
export function historyOf(rng: Rng, track: string, stage: LifecycleStage, daysAtStage?: number): LifecycleTransition[] {
  const churnedFrom = stage === 'churned' ? rng.pick(LIFECYCLE_STAGES.slice(0, 4)) : undefined;
  const path = [...LIFECYCLE_STAGES.slice(0, LIFECYCLE_STAGES.indexOf(churnedFrom ?? stage) + 1), ...(churnedFrom === undefined ? [] : ['churned' as const])];
  const limit = stage === 'churned' || stage === 'optimise' ? 365 : STALL_LIMITS[stage];
  let at = Date.parse(HISTORY_AS_OF) - (daysAtStage ?? rng.int(3, Math.round(limit * 1.3))) * DAY_MS;
  const moves: LifecycleTransition[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    moves.unshift({ track, at: new Date(at).toISOString(), ...(i > 0 ? { from: path[i - 1]! } : {}), to: path[i]!, author: 'prm' });
    at -= rng.int(10, 120) * DAY_MS;
  }
  return moves;
}

/** Gives every partner its history, and the story partners their tiers and stay. */
export function plantProgrammes(partners: Partner[], story: ProgramStory, rng: Rng): void {
  for (const p of partners) {
    if (p.id === story.underTiered.partner) p.tier = story.underTiered.held;
    if (p.id === story.overTiered.partner) p.tier = story.overTiered.held;
    const stalledIn = p.id === story.stalled.partner ? story.stalled.track : undefined;
    p.lifecycleHistory = Object.entries(p.lifecycle).flatMap(([track, stage]) => historyOf(rng, track, stage, track === stalledIn ? story.stalled.days : undefined));
    p.lifecycleHistory.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.track < b.track ? -1 : 1));
  }
}
