/**
 * The validated solution catalogue, kept for the store's current version and
 * brought forward by each write: the solutions and member partners it
 * touched are read again and validated again, the rest kept. Reading the
 * members' facts whole takes about 2 s at 100,000 partners (hubs among
 * them); a write touching a member costs a few lookups.
 */
import type { SolutionValidation } from '../schemas/solutions.js';
import { validateSolution } from '../operations/solutions.js';
import type { StoreChanges } from '../store/changes.js';
import type { GraphStore } from '../store/graph-store.js';
import { slicer } from '../projection/slices.js';
import { persistedPerVersion, type PersistedOptions, type PersistedRecords } from './persisted.js';
import type { CatalogueNames, MemberFacts, SolutionRecord } from '../store/solution-records.js';
import { compareIds } from '../order.js';

export interface Validated {
  solution: SolutionRecord;
  validation: SolutionValidation;
}

export interface Catalogue {
  /** In solution id order. */
  validated: Validated[];
  byId: Map<string, Validated>;
  /** Every partner contributing to a solution. */
  members: Map<string, MemberFacts>;
  names: CatalogueNames;
}

/** The validated catalogue for the store's current version, kept in `file` between runs. */
export function solutionCatalogue(store: GraphStore, options: Pick<PersistedOptions<Catalogue>, 'file' | 'log'>): PersistedRecords<Catalogue> {
  return persistedPerVersion(store, {
    ...options,
    codec: {
      kind: 'solutions',
      async write(catalogue, out) {
        await out.list(catalogue.validated);
        await out.list([...catalogue.members]);
        // A few hundred names: one frame (v8 serialises maps as they are).
        await out.value(catalogue.names);
      },
      async read(input) {
        const validated = await input.list<Validated>();
        const members = await input.map<string, MemberFacts>();
        const names = await input.value<CatalogueNames>();
        return { validated, byId: new Map(validated.map((v) => [v.solution.id, v])), members, names };
      },
    },
    load: async () => {
      const { solutions, members, names } = await store.solutionCatalogue();
      // A slice of solutions at a time: the whole catalogue of the 100,000-partner ecosystem took about 200 ms.
      const pause = slicer();
      const validated: Validated[] = [];
      for (const solution of solutions) {
        validated.push({ solution, validation: validateSolution(solution, members, names) });
        await pause();
      }
      return { validated, byId: new Map(validated.map((v) => [v.solution.id, v])), members, names };
    },
    patch: (previous, changes) => patch(store, previous, changes),
  });
}

async function patch(store: GraphStore, previous: Catalogue, changes: StoreChanges): Promise<Catalogue> {
  const [names, rewritten] = await Promise.all([changes.names ? store.catalogueNames() : previous.names, store.solutionsOf([...changes.solutions])]);
  const solutions = new Map(previous.validated.map((v) => [v.solution.id, v.solution]));
  for (const id of changes.solutions) solutions.delete(id);
  for (const s of rewritten) solutions.set(s.id, s);
  const memberIds = new Set([...solutions.values()].flatMap((s) => s.partners));

  // Members whose facts may have changed: touched partners still members, and partners that became members.
  const dirty = new Set([...changes.partners, ...memberIds].filter((id) => memberIds.has(id) && (changes.partners.has(id) || !previous.members.has(id))));
  const gone = [...previous.members.keys()].filter((id) => !memberIds.has(id));
  const read = new Map((await store.memberFactsOf([...dirty])).map((m) => [m.id, m]));
  const members = new Map<string, MemberFacts>();
  for (const id of [...memberIds].sort(compareIds)) {
    const fresh = read.get(id);
    if (fresh !== undefined) members.set(id, fresh);
    else {
      // Relations are symmetric and a changed one touches both ends, so a member read again says
      // whether it relates to this one; relations between two members not read again are as they were.
      const old = previous.members.get(id)!;
      const kept = old.related.filter((o) => !dirty.has(o) && memberIds.has(o));
      const added = [...read.values()].filter((m) => m.related.includes(id)).map((m) => m.id);
      members.set(id, { ...old, related: [...new Set([...kept, ...added])].sort(compareIds) });
    }
  }

  // Validated again: solutions written, or with a member read again, gone, or related to one read again.
  const touched = new Set([...dirty, ...gone]);
  const sorted = [...solutions.values()].sort((a, b) => compareIds(a.id, b.id));
  const validated = sorted.map((solution) => {
    const kept = previous.byId.get(solution.id);
    const again = changes.names || kept === undefined || kept.solution !== solution || [...solution.declared, ...solution.partners].some((id) => touched.has(id) || members.get(id)?.related.some((o) => touched.has(o)));
    return again ? { solution, validation: validateSolution(solution, members, names) } : kept;
  });
  return { validated, byId: new Map(validated.map((v) => [v.solution.id, v])), members, names };
}
