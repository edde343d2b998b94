/**
 * Type-ahead search over partners and customers (/api/search). Choosing a
 * result selects it and flies the camera to it. Reusable as a picker (the deal
 * builder's customer and partner fields) through `onPick` and `kind`.
 *
 * Besides names, ids and domains (the server's search), it finds a record by
 * an alias id from another system (the record endpoints resolve aliases) and,
 * when `onCapability` is given, capabilities by name. Enter picks the first
 * result, even when pressed before the results arrive.
 */
import type { z } from 'zod';
import type { SearchResult } from '../../../server/schemas/api.js';
import { ApiError, api, errorMessage, isAbort } from '../api/client.js';
import type { Catalog } from '../api/catalog.js';
import { h, replace, ui } from '../dom.js';
import { nodeColor } from '../map/colors.js';

type Result = z.infer<typeof SearchResult>;
type Hit = (Result & { alias?: string }) | { kind: 'capability'; id: string; label: string };

/** Alias ids are single tokens like "crm-724647": only such queries are looked up as one. */
const ALIAS_LIKE = /^[\w.:-]{3,}$/;

/** The partner or customer an alias (or exact id) names, if any. */
async function byAlias(q: string, kind: SearchBoxOptions['kind'], signal: AbortSignal): Promise<Result & { alias?: string } | null> {
  const ignoreMissing = (error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  };
  if (kind !== 'customer') {
    const p = await api.partner(q, signal).catch(ignoreMissing);
    if (p !== null) return { id: p.id, label: p.name, kind: 'partner', types: p.types, ...(p.id === q ? {} : { alias: q }) };
  }
  if (kind !== 'partner') {
    const c = await api.customer(q, signal).catch(ignoreMissing);
    if (c !== null) return { id: c.id, label: c.name, kind: 'customer', types: [], ...(c.id === q ? {} : { alias: q }) };
  }
  return null;
}

export interface SearchBoxOptions {
  placeholder: string;
  kind?: 'partner' | 'customer';
  catalog: Catalog;
  onPick(result: Result): void;
  /** When given, capabilities matching by name are offered too; picking one calls this. */
  onCapability?(id: string): void;
  /** Clear the input after a pick (pickers adding chips) or keep the name (the main search). */
  clearOnPick?: boolean;
  id?: string;
}

export function createSearchBox(options: SearchBoxOptions): HTMLElement {
  const input = h('input', {
    type: 'search',
    placeholder: options.placeholder,
    autocomplete: 'off',
    spellcheck: false,
    role: 'combobox',
    'aria-expanded': 'false',
    'aria-autocomplete': 'list',
    id: options.id,
  });
  const list = h('ul', { class: 'search-results', role: 'listbox', hidden: true });
  const root = h('div', { class: 'search-box' }, input, list);
  let results: Hit[] = [];
  let active = -1;
  let inflight: AbortController | null = null;
  /** The query the current results answer, and whether Enter is waiting for them. */
  let answered = '';
  let pickFirst = false;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };

  const pick = (hit: Hit) => {
    input.value = options.clearOnPick ? '' : hit.label;
    close();
    if (hit.kind === 'capability') {
      options.onCapability?.(hit.id);
      return;
    }
    options.catalog.learn(hit.id, { label: hit.label, kind: hit.kind, types: hit.types });
    options.onPick(hit);
  };

  const render = () => {
    replace(
      list,
      results.map((r, i) =>
        h(
          'li',
          {
            role: 'option',
            'aria-selected': String(i === active),
            dataset: { id: r.id },
            on: {
              mousedown: (e: MouseEvent) => {
                e.preventDefault();
                pick(r);
              },
            },
          },
          h('span', { class: 'swatch', style: `width:9px;height:9px;border-radius:${r.kind === 'capability' ? '2px' : '50%'};background:${r.kind === 'capability' ? '#8b98a9' : nodeColor(r)}` }),
          h('span', { class: 'sr-name' }, r.label),
          h('span', { class: 'sr-meta' }, r.kind === 'capability' ? 'capability · filter the map to it' : r.kind === 'customer' ? 'customer' : r.types.join(', ')),
          r.kind !== 'capability' && r.alias !== undefined && h('span', { class: 'sr-meta' }, `alias ${r.alias}`),
          r.kind !== 'capability' && r.domain !== undefined && h('span', { class: 'sr-meta' }, r.domain),
        ),
      ),
    );
    if (results.length === 0) replace(list, h('li', { class: 'state' }, 'No match'));
  };

  const capabilities = (q: string): Hit[] => {
    if (options.onCapability === undefined) return [];
    const needle = q.trim().toLowerCase();
    return [...options.catalog.capabilities.values()]
      .filter((c) => c.name.toLowerCase().includes(needle) || c.id.toLowerCase().startsWith(needle))
      .slice(0, 3)
      .map((c) => ({ kind: 'capability', id: c.id, label: c.name }));
  };

  const search = async (q: string) => {
    inflight?.abort();
    if (q.trim() === '') {
      close();
      return;
    }
    const controller = new AbortController();
    inflight = controller;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    replace(list, h('li', null, ui.loading('matches')));
    try {
      const [response, aliased] = await Promise.all([
        api.search(q, options.kind === undefined ? 8 : 20, controller.signal),
        ALIAS_LIKE.test(q.trim()) ? byAlias(q.trim(), options.kind, controller.signal) : null,
      ]);
      const found: Hit[] = response.results.filter((r) => options.kind === undefined || r.kind === options.kind);
      if (aliased !== null && !found.some((r) => r.id === aliased.id)) found.unshift(aliased);
      results = [...found.slice(0, 8), ...capabilities(q)];
      answered = q;
      active = results.length > 0 ? 0 : -1;
      render();
      if (pickFirst && q === input.value && results[0] !== undefined) pick(results[0]);
      pickFirst = false;
    } catch (error) {
      if (isAbort(error)) return;
      pickFirst = false;
      results = [];
      replace(list, h('li', null, ui.error(errorMessage(error))));
    }
  };
  // Typing waits for a pause before asking; Enter asks at once and cancels the wait.
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  input.addEventListener('input', () => {
    pickFirst = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => void search(input.value), 150);
  });
  input.addEventListener('focus', () => {
    if (input.value.trim() !== '' && results.length > 0) {
      list.hidden = false;
      render();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (results.length === 0) return;
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const chosen = results[active];
      if (answered === input.value) {
        if (chosen !== undefined) pick(chosen);
      } else if (input.value.trim() !== '') {
        // The results for what was typed are not in yet: ask now, and take the first when they come.
        pickFirst = true;
        clearTimeout(typingTimer);
        void search(input.value);
      }
    } else if (e.key === 'Escape') {
      close();
    }
  });
  return root;
}
