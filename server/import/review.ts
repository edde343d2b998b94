/**
 * Decisions on the identity review queue. Rejecting records the answer (the
 * pair is never queued again). Accepting folds the incoming record into the
 * candidate in one transaction: fields merged as identity resolution merges
 * them, the incoming id kept as an alias (later imports under it land on the
 * candidate), and its relationships, deals, solutions and sharing moved over.
 */
import type { ReviewItem } from '../schemas/identity.js';
import type { Customer, Deal, Partner, Relationship, Solution } from '../schemas/model.js';
import type { SharingRow } from '../schemas/sharing.js';
import type { GraphStore } from '../store/graph-store.js';
import { mergeCustomers, mergePartners } from './identity.js';

export class ReviewConflict extends Error {}

async function everyPage<T>(read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

const cursorOf = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });

/** What an accepted merge wrote: the incoming record deleted, and the records it was folded into and moved to. */
export interface Merge {
  deleted: { section: 'partners' | 'customers'; id: string };
  written: { partners: Partner[]; customers: Customer[]; relationships: Relationship[]; deals: Deal[]; solutions: Solution[] };
}

/** Applies a decision; returns the item as decided (with what a merge wrote), or null when there is no such item. */
export async function decideReview(store: GraphStore, id: string, decision: 'accept' | 'reject'): Promise<{ item: ReviewItem; version: number; merge?: Merge } | null> {
  const item = await store.getReview(id);
  if (item === null) return null;
  if (item.status !== 'open') throw new ReviewConflict(`review "${id}" was already ${item.status}`);
  if (decision === 'reject') {
    const { result, version } = await store.write((w) => w.decideReview(id, 'rejected'));
    return { item: result!, version };
  }
  const from = item.incoming;
  const to = item.candidate;
  const swap = (ref: string) => (ref === from ? to : ref);
  const relationships = (await everyPage((cursor) => store.listRelationships({ node: from, limit: 500, ...cursorOf(cursor) })))
    .map((r) => ({ ...r, from: swap(r.from), to: swap(r.to) }) as Relationship)
    .filter((r) => r.from !== r.to);
  const deals = (await everyPage((cursor) => store.list('deals', { limit: 500, ...cursorOf(cursor) })))
    .filter((d) => d.customer === from || d.partners.some((p) => p.partner === from))
    .map((d): Deal => ({ ...d, customer: swap(d.customer), partners: [...new Map(d.partners.map((p) => [swap(p.partner), { ...p, partner: swap(p.partner) }])).values()] }));
  const solutions = (await everyPage((cursor) => store.list('solutions', { limit: 500, ...cursorOf(cursor) })))
    .filter((s) => s.partners.includes(from))
    .map((s): Solution => ({ ...s, partners: [...new Set(s.partners.map(swap))] }));
  const sharing = item.kind === 'partner' ? await movedSharing(store, from, to) : [];

  const written: Merge['written'] = { partners: [], customers: [], relationships, deals, solutions };
  const { result, version } = await store.write(async (w) => {
    if (item.kind === 'partner') {
      const [candidate] = await store.getPartners([to]);
      if (candidate === undefined) throw new ReviewConflict(`partner "${to}" no longer exists`);
      const [incoming] = await store.getPartners([from]);
      const merged: Partner = incoming === undefined ? { ...candidate, aliases: [...new Set([...candidate.aliases, from])] } : mergePartners(candidate, incoming);
      await w.delete('partners', from);
      await w.upsertPartners([merged]);
      written.partners.push(merged);
    } else {
      const [candidate] = await store.getCustomers([to]);
      if (candidate === undefined) throw new ReviewConflict(`customer "${to}" no longer exists`);
      const [incoming] = await store.getCustomers([from]);
      const merged: Customer = incoming === undefined ? { ...candidate, aliases: [...new Set([...candidate.aliases, from])] } : mergeCustomers(candidate, incoming);
      await w.delete('customers', from);
      await w.upsertCustomers([merged]);
      written.customers.push(merged);
    }
    await w.upsertRelationships(relationships);
    await w.upsertDeals(deals);
    await w.upsertSolutions(solutions);
    await w.setSharing(sharing);
    return w.decideReview(id, 'accepted');
  });
  return { item: result!, version, merge: { deleted: { section: item.kind === 'partner' ? 'partners' : 'customers', id: from }, written } };
}

/**
 * Sharing settings after `from` folds into `to`: `to` keeps its own choices
 * and takes `from`'s for partners (and a default) it has not set; partners
 * that set a level for `from` get it for `to` unless they set one for `to`
 * already. Rows replace each partner's settings whole, as `setSharing` does.
 */
async function movedSharing(store: GraphStore, from: string, to: string): Promise<SharingRow[]> {
  const [incoming, candidate, toward] = await Promise.all([store.sharingOf(from), store.sharingOf(to), store.sharingToward(from)]);
  const rows: SharingRow[] = [];
  if (incoming !== null) {
    const partners = { ...incoming.partners, ...candidate?.partners };
    delete partners[to];
    delete partners[from];
    const fallback = candidate?.default ?? incoming.default;
    rows.push({ partner: to, ...(fallback === undefined ? {} : { default: fallback }), partners });
  }
  for (const [other, level] of toward.levels) {
    if (other === to) continue;
    const settings = await store.sharingOf(other);
    if (settings === null) continue;
    const partners = { [to]: level, ...settings.partners };
    delete partners[from];
    rows.push({ ...settings, partners });
  }
  return rows;
}
