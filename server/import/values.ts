/**
 * Matching of enum and reference values as people type them: case, accents,
 * punctuation and spacing do not matter, and a reference may be given by its
 * id or its name ("EMEA North" finds the region `emea-north` named so).
 */

/** The form two spellings of one value share: `Mid-Market`, `mid market` and `MID_MARKET` → `mid market`. */
export function valueKey(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A set of known values (an enum or a catalogue of ids with names), looked up by any spelling of an id or name. */
export class Vocabulary {
  private readonly byKey = new Map<string, string>();
  private readonly ids = new Set<string>();

  constructor(entries: Iterable<{ id: string; name?: string | undefined } | string> = []) {
    for (const entry of entries) this.add(typeof entry === 'string' ? { id: entry } : entry);
  }

  add({ id, name }: { id: string; name?: string | undefined }): void {
    this.ids.add(id);
    // An exact id wins over a name that happens to share its key; the first name with a key keeps it.
    this.byKey.set(valueKey(id), id);
    if (name !== undefined && !this.byKey.has(valueKey(name))) this.byKey.set(valueKey(name), id);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The id this spelling names, or undefined when it names none. */
  find(raw: string): string | undefined {
    return this.ids.has(raw) ? raw : this.byKey.get(valueKey(raw));
  }
}
