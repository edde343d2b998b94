/**
 * The columns of each result download (GET /api/gaps?format=csv and the
 * others): ids beside names, figures as the JSON gives them, lists joined.
 * Names come from a NameBook, since the answers carry ids.
 */
import type { Gap, Introduction, Signal, Team } from '../schemas/analytics.js';
import type { Conflict } from '../schemas/conflicts.js';
import type { TierEvaluation } from '../schemas/programs.js';
import type { CsvColumns } from './csv-table.js';

/** What to call an id of each kind; an unknown id is its own name. */
export interface NameBook {
  node(id: string): string;
  capability(id: string): string;
  region(id: string): string;
  segment(id: string): string;
}

export function gapColumns(names: NameBook): CsvColumns<Gap & { rank: number }> {
  return [
    ['rank', (g) => g.rank],
    ['capability', (g) => g.capability],
    ['capability name', (g) => g.capabilityName],
    ['region', (g) => g.region],
    ['region name', (g) => names.region(g.region)],
    ['segment', (g) => g.segment],
    ['segment name', (g) => names.segment(g.segment)],
    ['demand (customers)', (g) => g.demand],
    ['supply (weighted partners)', (g) => g.supply],
    ['severity', (g) => g.severity],
    ['unserved', (g) => g.unserved],
    ['action', (g) => g.action],
    ['qualified partners', (g) => g.qualifiedPartners],
    ['qualified partner names', (g) => g.qualifiedPartners.map((id) => names.node(id))],
    ['nearest suppliers', (g) => g.nearestSuppliers],
    ['nearest supplier names', (g) => g.nearestSuppliers.map((id) => names.node(id))],
    ['plan', (g) => g.plan.map((step) => step.text)],
    ['customers', (g) => g.customers],
    ['explanation', (g) => g.explanation],
  ];
}

const SIGNALS: ReadonlyArray<readonly [Signal['name'], string]> = [
  ['sharedCustomers', 'shared customers'],
  ['complementaryRoles', 'complementary roles'],
  ['complementaryCapabilities', 'complementary capabilities'],
  ['commonNeighbours', 'common neighbours'],
  ['regionOverlap', 'region overlap'],
  ['segmentOverlap', 'segment overlap'],
];

export function introductionColumns(names: NameBook): CsvColumns<Introduction> {
  const contribution = (i: Introduction, name: Signal['name']) => i.signals.find((s) => s.name === name)?.contribution ?? 0;
  return [
    ['partner', (i) => i.partnerId],
    ['partner name', (i) => i.partnerName ?? names.node(i.partnerId)],
    ['introduce to', (i) => i.otherPartnerId],
    ['introduce to name', (i) => i.otherPartnerName ?? names.node(i.otherPartnerId)],
    ['score', (i) => i.score],
    ...SIGNALS.map(([name, title]) => [title, (i: Introduction) => contribution(i, name)] as const),
    ['shared customer names', (i) => (i.signals.find((s) => s.name === 'sharedCustomers')?.evidence ?? []).map((id) => names.node(id))],
    ['why', (i) => i.signals.map((s) => s.detail)],
  ];
}

/** A deal team's download has a line per member, with the team's rank and figures repeated. */
export type TeamMemberRow = { rank: number; team: Team; member: Team['members'][number] };

export function teamRows(teams: Team[]): TeamMemberRow[] {
  return teams.flatMap((team, index) => team.members.map((member) => ({ rank: index + 1, team, member })));
}

export function dealTeamColumns(names: NameBook): CsvColumns<TeamMemberRow> {
  return [
    ['team', (r) => r.rank],
    ['team score', (r) => r.team.score],
    ['coverage', (r) => r.team.components.coverage],
    ['cohesion', (r) => r.team.components.cohesion],
    ['customer fit', (r) => r.team.components.customerFit],
    ['quality', (r) => r.team.components.quality],
    ['partner', (r) => r.member.partnerId],
    ['partner name', (r) => r.member.name ?? names.node(r.member.partnerId)],
    ['role', (r) => r.member.role],
    ['covers', (r) => r.member.covers],
    ['covers names', (r) => r.member.covers.map((id) => names.capability(id))],
    ['reason', (r) => r.member.reason],
    ['team explanation', (r) => r.team.explanation],
  ];
}

const requirementText = (c: TierEvaluation['requirements'][number]) => `${c.requirement}: ${[c.actual ?? 'none'].flat().join('/')} of ${[c.required].flat().join('/')}`;

export function tierEvaluationColumns(names: NameBook): CsvColumns<TierEvaluation> {
  return [
    ['partner', (e) => e.partnerId],
    ['partner name', (e) => names.node(e.partnerId)],
    ['track', (e) => e.track],
    ['current tier', (e) => e.currentTier],
    ['qualified tier', (e) => e.qualifiedTier],
    ['status', (e) => e.status],
    ['unmet requirements', (e) => e.requirements.filter((c) => !c.met).map(requirementText)],
    ['met requirements', (e) => e.requirements.filter((c) => c.met).map(requirementText)],
  ];
}

export function conflictColumns(names: NameBook): CsvColumns<Conflict> {
  return [
    ['conflict', (c) => c.id],
    ['kind', (c) => c.kind],
    ['status', (c) => c.status],
    ['deals', (c) => c.deals],
    ['partners', (c) => c.partners],
    ['partner names', (c) => c.partners.map((id) => names.node(id))],
    ['amount', (c) => c.amount],
    ['evidence', (c) => c.evidence],
    ['suggested resolution', (c) => c.suggestedResolution],
    ['resolved by', (c) => c.resolution?.actor ?? null],
    ['resolved at', (c) => c.resolution?.at ?? null],
    ['policy', (c) => c.resolution?.policy ?? null],
  ];
}
