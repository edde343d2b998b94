/**
 * Programme tracks and the partner facts tier evaluation and the funnel read,
 * between store rows and plain records. A track's stall limits are one
 * property per stage (`onboardStallDays`) and a tier's requirements one
 * property each: Neo4j stores no maps as properties.
 */
import { LIFECYCLE_STAGES, type LifecycleStage } from '../schemas/model.js';
import { REQUIREMENT_KEYS, type ProgramTrack, type Tier } from '../schemas/programs.js';
import type { Params, Row } from './executor.js';
import { withoutNulls } from './normalise.js';

type Props = Record<string, unknown>;
const STALLING = LIFECYCLE_STAGES.filter((s) => s !== 'churned');
const stallKey = (stage: string) => `${stage}StallDays`;

export function trackRows(tracks: ProgramTrack[]): { tracks: Params[]; tiers: Params[] } {
  return {
    tracks: tracks.map((t) => ({
      id: t.id,
      props: withoutNulls({
        inProgram: true,
        name: t.name,
        partnerTypes: t.partnerTypes,
        benefits: t.benefits,
        protectionDays: t.protectionDays,
        ...Object.fromEntries(Object.entries(t.stallLimits).map(([stage, days]) => [stallKey(stage), days])),
      }),
    })),
    tiers: tracks.flatMap((t) =>
      t.tiers.map((tier, rank) => ({ track: t.id, props: withoutNulls({ id: tier.id, rank, name: tier.name, benefits: tier.benefits, ...tier.requirements }) })),
    ),
  };
}

export function trackFromRow(row: Row): ProgramTrack {
  const t = row.track as Props;
  const tiers = [...(row.tiers as Props[])].sort((a, b) => Number(a.rank) - Number(b.rank));
  const stallLimits = Object.fromEntries(STALLING.filter((s) => typeof t[stallKey(s)] === 'number').map((s) => [s, t[stallKey(s)]]));
  return withoutNulls({
    id: t.id,
    name: t.name,
    partnerTypes: t.partnerTypes ?? [],
    benefits: t.benefits ?? [],
    protectionDays: t.protectionDays,
    stallLimits,
    tiers: tiers.map(
      (x): Tier =>
        withoutNulls({
          id: x.id,
          name: x.name,
          benefits: x.benefits ?? [],
          requirements: withoutNulls(Object.fromEntries(REQUIREMENT_KEYS.map((k) => [k, x[k]]))),
        }) as Tier,
    ),
  }) as ProgramTrack;
}

/** A partner's place in one track. */
export interface TrackStanding {
  partner: string;
  tier: string;
  track: string;
  stage: LifecycleStage;
  since?: string;
}

/** What tier requirements read of one partner. */
export interface PartnerActivity {
  certified: string[];
  customers: number;
  annualValue: number;
  integrations: number;
  wonDeals: Array<{ deal: string; amount: number; registeredAt?: string }>;
}

export function standingFromRow(row: Row): TrackStanding {
  return withoutNulls({ partner: row.partner, tier: row.tier ?? 'registered', track: row.track, stage: row.stage, since: row.since }) as TrackStanding;
}

/** A partner's part in a won deal, as tier requirements count it. */
export type WonPart = PartnerActivity['wonDeals'][number] & { partner: string };

export function wonPartFromRow(row: Row): WonPart {
  return withoutNulls({ partner: row.partner, deal: row.deal, amount: row.amount ?? 0, registeredAt: row.registeredAt }) as WonPart;
}

/** What tier requirements read of one partner in a track, its won deals left to add. */
export function activityFromRow(row: Row): PartnerActivity {
  const served = row.served as Array<{ customer: string; value: number | null }>;
  return {
    certified: [...new Set(row.certified as string[])],
    customers: new Set(served.map((s) => s.customer)).size,
    annualValue: served.reduce((sum, s) => sum + (s.value ?? 0), 0),
    integrations: Number(row.integrations),
    wonDeals: [],
  };
}

const wonDeal = ({ deal, amount, registeredAt }: WonPart): PartnerActivity['wonDeals'][number] => (registeredAt === undefined ? { deal, amount } : { deal, amount, registeredAt });

/** The activities with their partners' parts in these won deals added (partners without an activity, in no track, left out). */
export function withWonParts(activities: Map<string, PartnerActivity>, won: Row[]): Map<string, PartnerActivity> {
  for (const part of won.map(wonPartFromRow)) activities.get(part.partner)?.wonDeals.push(wonDeal(part));
  return activities;
}

/** An activity with the won deals of these parts (the partner's, in any order). */
export const withWonDeals = (activity: PartnerActivity, parts: WonPart[]): PartnerActivity => ({ ...activity, wonDeals: parts.map(wonDeal) });
