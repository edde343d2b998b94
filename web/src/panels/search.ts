/**
 * Type-ahead search over partners and customers (/api/search). Choosing a
 * result selects it and flies the camera to it. Reusable as a picker (the deal
 * builder's customer and partner fields) through `onPick` and `kind`.
 */
import type { z } from 'zod';
import type { SearchResult } from '../../../server/schemas/api.js';
import { api, errorMessage, isAbort } from '../api/client.js';
import type { Catalog } from '../api/catalog.js';
import { debounce, h, replace, ui } from '../dom.js';
import { nodeColor } from '../map/colors.js';

type Result = z.infer<typeof SearchResult>;

export interface SearchBoxOptions {
  placeholder: string;
  kind?: 'partner' | 'customer';
  catalog: Catalog;
  onPick(result: Result): void;
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
  let results: Result[] = [];
  let active = -1;
  let inflight: AbortController | null = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };

  const pick = (result: Result) => {
    options.catalog.learn(result.id, { label: result.label, kind: result.kind, types: result.types });
    input.value = options.clearOnPick ? '' : result.label;
    close();
    options.onPick(result);
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
          h('span', { class: 'swatch', style: `width:9px;height:9px;border-radius:50%;background:${nodeColor(r)}` }),
          h('span', { class: 'sr-name' }, r.label),
          h('span', { class: 'sr-meta' }, r.kind === 'customer' ? 'customer' : r.types.join(', ')),
          r.domain !== undefined && h('span', { class: 'sr-meta' }, r.domain),
        ),
      ),
    );
    if (results.length === 0) replace(list, h('li', { class: 'state' }, 'No match'));
  };

  const run = debounce(async (q: string) => {
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
      const response = await api.search(q, options.kind === undefined ? 8 : 20, controller.signal);
      results = response.results.filter((r) => options.kind === undefined || r.kind === options.kind).slice(0, 8);
      active = results.length > 0 ? 0 : -1;
      render();
    } catch (error) {
      if (isAbort(error)) return;
      results = [];
      replace(list, h('li', null, ui.error(errorMessage(error))));
    }
  }, 150);

  input.addEventListener('input', () => run(input.value));
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
      const chosen = results[active];
      if (chosen !== undefined && !list.hidden) {
        e.preventDefault();
        pick(chosen);
      }
    } else if (e.key === 'Escape') {
      close();
    }
  });
  return root;
}
