/**
 * Story k: deal registration conflicts planted in the demo (a duplicate
 * registration, a channel conflict, a claim on a managed customer; story h's
 * deals are the over-claimed ones), and conflict detection's inputs read from
 * a bundle, for the story's check and text and for the benchmark.
 */
import type { Bundle } from '../../server/schemas/bundle.js';
import type { ConflictDeal } from '../../server/schemas/conflicts.js';
import type { Customer, Deal, Partner, Relationship } from '../../server/schemas/model.js';
import { detectConflicts, protectionWindows, type ConflictInputs } from '../../server/operations/conflicts.js';
import { compareIds } from '../../server/order.js';

export const CONFLICT_STORY = {
  duplicate: { deals: ['d-registration-first', 'd-registration-second'], registeredAt: ['2026-09-01T09:00:00.000Z', '2026-09-21T15:30:00.000Z'] },
  channel: { deal: 'd-channel-two-integrators', registeredAt: ['2026-08-04T10:00:00.000Z', '2026-08-19T11:00:00.000Z'] },
  managed: { deal: 'd-claim-on-managed-account', registeredAt: '2026-10-02T08:00:00.000Z' },
};


/**
 * Plants the three deals, each at the first account (in id order) that fits,
 * from partners that already serve it; no random draws, so nothing else in
 * the demo changes.
 */
export function plantConflictDeals(deals: Deal[], customers: Customer[], partners: Partner[], relationships: Relationship[]): void {
  const byId = new Map(partners.map((p) => [p.id, p]));
  const dealt = new Set(deals.map((d) => d.customer));
  const serving = (customer: string, type: string, role?: string) =>
    relationships.filter((r) => r.type === 'SERVES' && r.to === customer && byId.get(r.from)?.types[0] === type && (role === undefined || r.role === role)).map((r) => r.from).sort(compareIds);
  const managedBy = (customer: string) => relationships.some((r) => r.type === 'SERVES' && r.to === customer && r.role === 'manage');
  const accounts = [...customers].sort((a, b) => compareIds(a.id, b.id)).filter((c) => !dealt.has(c.id) && c.needs.length >= 2);
  const take = (fits: (c: Customer) => boolean, story: string) => {
    const index = accounts.findIndex(fits);
    if (index < 0) throw new Error(`seeds/demo/conflicts: no account for story k (${story})`);
    return accounts.splice(index, 1)[0]!;
  };

  const { duplicate, channel, managed } = CONFLICT_STORY;
  const dup = take((c) => serving(c.id, 'reseller').length >= 2 && !managedBy(c.id), 'duplicate registration');
  const [first, second] = serving(dup.id, 'reseller');
  deals.push(
    { id: duplicate.deals[0]!, customer: dup.id, region: dup.region, needs: dup.needs.slice(0, 2), amount: 240_000, stage: 'qualified', partners: [{ partner: first!, role: 'sourcing', claimedShare: 1, registeredAt: duplicate.registeredAt[0] }] },
    { id: duplicate.deals[1]!, customer: dup.id, region: dup.region, needs: dup.needs.slice(1, 2), amount: 260_000, stage: 'open', partners: [{ partner: second!, role: 'sourcing', claimedShare: 1, registeredAt: duplicate.registeredAt[1] }] },
  );

  const two = take((c) => serving(c.id, 'service').length >= 2 && !managedBy(c.id), 'channel conflict');
  const integrators = serving(two.id, 'service').slice(0, 2);
  deals.push({
    id: channel.deal, customer: two.id, region: two.region, needs: two.needs.slice(0, 1), amount: 180_000, stage: 'proposal',
    partners: integrators.map((p, k) => ({ partner: p, role: 'delivery', claimedShare: 0.5, registeredAt: channel.registeredAt[k] })),
  });

  const account = take((c) => serving(c.id, 'msp', 'manage').length > 0 && serving(c.id, 'reseller').length > 0, 'managed customer');
  deals.push({
    id: managed.deal, customer: account.id, region: account.region, needs: account.needs.slice(0, 1), amount: 95_000, stage: 'open',
    partners: [{ partner: serving(account.id, 'reseller').find((p) => !serving(account.id, 'msp', 'manage').includes(p))!, role: 'sourcing', claimedShare: 1, registeredAt: managed.registeredAt }],
  });
}

/** What conflict detection reads from the store, computed from a bundle (no resolutions). */
export function conflictInputsFromBundle(bundle: Bundle): ConflictInputs {
  const partners = new Map(bundle.partners.map((p) => [p.id, p]));
  const customers = new Map(bundle.customers.map((c) => [c.id, c]));
  const capabilities = new Map(bundle.capabilities.map((c) => [c.id, c.name]));
  const deals: ConflictDeal[] = bundle.deals.map((d) => ({
    id: d.id,
    stage: d.stage,
    ...(d.amount === undefined ? {} : { amount: d.amount }),
    customer: d.customer,
    customerName: customers.get(d.customer)?.name ?? d.customer,
    needs: [...new Set(d.needs)].sort(compareIds).map((id) => ({ id, name: capabilities.get(id) ?? id })),
    partners: d.partners.map((p) => ({
      partner: p.partner,
      name: partners.get(p.partner)?.name ?? p.partner,
      role: p.role,
      ...(p.claimedShare === undefined ? {} : { claimedShare: p.claimedShare }),
      ...(p.registeredAt === undefined ? {} : { registeredAt: p.registeredAt }),
      types: partners.get(p.partner)?.types ?? [],
    })),
  }));
  const dealt = new Set(bundle.deals.map((d) => d.customer));
  const managers = new Map<string, Array<{ partner: string; name: string }>>();
  for (const r of bundle.relationships) {
    if (r.type !== 'SERVES' || r.role !== 'manage' || !dealt.has(r.to)) continue;
    const list = managers.get(r.to) ?? [];
    if (!list.some((m) => m.partner === r.from)) list.push({ partner: r.from, name: partners.get(r.from)?.name ?? r.from });
    managers.set(r.to, list.sort((a, b) => compareIds(a.partner, b.partner)));
  }
  const inDeals = new Set(bundle.deals.flatMap((d) => d.partners.map((p) => p.partner)));
  const memberships = bundle.partners.filter((p) => inDeals.has(p.id)).flatMap((p) => Object.keys(p.lifecycle).map((track) => ({ partner: p.id, track })));
  return { deals, managers, protection: protectionWindows(bundle.programs ?? [], memberships, deals), resolutions: [] };
}

/** Story k's facts on the bundle; an empty list when they hold. */
export function checkConflictStory(bundle: Bundle): string[] {
  const found = detectConflicts(conflictInputsFromBundle(bundle));
  const has = (kind: string, deals: string[]) => found.some((c) => c.kind === kind && deals.every((d) => c.deals.includes(d)));
  const { duplicate, channel, managed } = CONFLICT_STORY;
  const failures: string[] = [];
  if (!has('duplicate-registration', duplicate.deals)) failures.push(`k: ${duplicate.deals.join(' and ')} are not a duplicate registration`);
  if (!has('channel-conflict', [channel.deal])) failures.push(`k: ${channel.deal} is not a channel conflict`);
  if (!has('managed-customer', [managed.deal])) failures.push(`k: ${managed.deal} is not a claim on a managed customer`);
  return failures;
}

export function conflictStoryMarkdown(bundle: Bundle): string {
  const found = detectConflicts(conflictInputsFromBundle(bundle));
  const { duplicate, channel, managed } = CONFLICT_STORY;
  const one = (kind: string, deal: string) => found.find((c) => c.kind === kind && c.deals.includes(deal))!;
  const counts = ['over-claimed', 'duplicate-registration', 'channel-conflict', 'managed-customer'].map((k) => `${found.filter((c) => c.kind === k).length} ${k}`).join(', ');
  const line = (label: string, c: ReturnType<typeof one>) => `- ${label} \`${c.id}\`: ${c.evidence} Suggested: ${c.suggestedResolution}`;
  return `
## k. Deal registration conflicts
\`GET /api/conflicts\` lists ${found.length} open conflicts in the demo (${counts}); the planted ones (story h's over-claimed deals are the other kind):
${line('Duplicate registration', one('duplicate-registration', duplicate.deals[0]!))}
${line('Channel conflict', one('channel-conflict', channel.deal))}
${line('Managed customer', one('managed-customer', managed.deal))}
The other channel conflicts are background deals with two partners of one type. Resolve one in the **Conflicts** tab (or \`POST /api/conflicts/<id>/resolve\`) and it moves to the resolved history with its audit.
`;
}
