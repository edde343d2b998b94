/**
 * The solution catalogue: every solution with its status badge, filterable by
 * status; expanding one shows its checks and members (a member opens on the
 * map) and highlights the members on the map. Also the ranked solution fits
 * a customer's details show. Render functions of the data, and a thin
 * controller that loads it.
 */
import type { z } from 'zod';
import type { CatalogueSolution, CustomerSolutions, SolutionStatus, SolutionValidation } from '../../../server/schemas/solutions.js';
import { SOLUTION_STATUSES } from '../../../server/schemas/solutions.js';
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';

type Listed = z.infer<typeof CatalogueSolution>;
type Filter = SolutionStatus | 'all';

const BADGE: Record<SolutionStatus, string> = { valid: 'badge-ok', 'at-risk': 'badge-warn', broken: 'badge-danger' };

export const statusBadge = (status: SolutionStatus) => h('span', { class: `badge ${BADGE[status]} solution-status`, dataset: { status } }, status);

export function renderValidation(v: SolutionValidation, on: { member: (id: string) => void }): HTMLElement {
  return h(
    'div',
    { class: 'solution-validation' },
    h(
      'ul',
      { class: 'solution-checks' },
      v.checks.map((c) => h('li', { dataset: { check: c.check, ok: String(c.ok) } }, h('b', null, `${c.ok ? '✓' : c.failsAs === 'broken' ? '✗' : '!'} ${c.check}`), ' ', h('span', { class: 'hint' }, c.detail))),
    ),
    h(
      'div',
      { class: 'chips solution-members' },
      v.members.map((m) =>
        m.exists
          ? h('button', { class: 'chip', type: 'button', dataset: { partner: m.partnerId }, title: m.churnedIn.length > 0 ? `churned in ${m.churnedIn.join(', ')}` : (m.role ?? ''), on: { click: () => on.member(m.partnerId) } }, m.name ?? m.partnerId, m.role !== undefined && h('span', { class: 'muted' }, ` ${m.role}`))
          : h('span', { class: 'chip muted', dataset: { partner: m.partnerId }, title: 'deleted' }, `${m.partnerId} (deleted)`),
      ),
    ),
  );
}

export function renderCatalogue(
  items: Listed[],
  counts: Record<SolutionStatus, number>,
  state: { filter: Filter; open: string | undefined; validation: SolutionValidation | null | 'error' },
  on: { filter: (f: Filter) => void; open: (id: string | undefined) => void; member: (id: string) => void },
): HTMLElement[] {
  const shown = items.filter((s) => state.filter === 'all' || s.status === state.filter);
  return [
    h(
      'section',
      { class: 'panel-section' },
      h('label', { class: 'field' }, 'Status ', h(
        'select',
        { id: 'solutions-status', on: { change: (e) => on.filter((e.target as HTMLSelectElement).value as Filter) } },
        (['all', ...SOLUTION_STATUSES] as const).map((f) => h('option', { value: f, selected: f === state.filter }, f === 'all' ? `all (${fmt.int(items.length)})` : `${f} (${fmt.int(counts[f])})`)),
      )),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'solutions-list' },
      shown.length === 0
        ? ui.empty('No solution has this status.')
        : shown.map((s) =>
            h(
              'div',
              { class: 'component solution-row', dataset: { solution: s.id, status: s.status } },
              h(
                'button',
                { class: 'component-head link solution-toggle', type: 'button', 'aria-expanded': String(state.open === s.id), on: { click: () => on.open(state.open === s.id ? undefined : s.id) } },
                h('span', null, s.name),
                statusBadge(s.status),
              ),
              h('p', { class: 'hint' }, `${fmt.plural(s.partners.length, 'member')} · ${fmt.plural(s.capabilities.length, 'capability', 'capabilities')}${s.regions !== undefined && s.regions.length > 0 ? ` · sold in ${s.regions.join(', ')}` : ''}`),
              state.open === s.id &&
                (state.validation === null ? ui.loading('the checks') : state.validation === 'error' ? ui.error('The checks could not be loaded.') : renderValidation(state.validation, on)),
            ),
          ),
    ),
  ];
}

/** A customer's ranked solution fits, with the evidence for each. */
export function renderSolutionFits(result: CustomerSolutions): HTMLElement {
  return h(
    'div',
    { id: 'customer-solutions' },
    h('p', { class: 'hint' }, `Needs: ${result.needs.join(', ') || 'none recorded'} · region ${result.region}. Score = 0.6 × needs covered + 0.2 × members in region + 0.2 × members serving it, halved when at risk.`),
    result.items.length === 0
      ? ui.empty('No valid or at-risk solution covers its needs or has a member serving it.')
      : result.items.map((f) =>
          h(
            'div',
            { class: 'component solution-fit', dataset: { solution: f.solutionId, score: String(f.score) } },
            h('div', { class: 'component-head' }, h('b', null, f.name), h('span', null, statusBadge(f.status), ' ', h('span', { class: 'muted' }, fmt.num(f.score, 3)))),
            h('div', { class: 'bar' }, h('span', { style: `width:${Math.round(f.score * 100)}%` })),
            h(
              'p',
              { class: 'hint' },
              [
                f.evidence.needsCovered.length > 0 && `covers ${f.evidence.needsCovered.join(', ')}`,
                f.evidence.membersInRegion.length > 0 && `in region: ${f.evidence.membersInRegion.join(', ')}`,
                f.evidence.membersServing.length > 0 && `already serving: ${f.evidence.membersServing.join(', ')}`,
              ].filter(Boolean).join(' · '),
            ),
          ),
        ),
    result.excludedBroken.length > 0 && h('p', { class: 'hint' }, `Left out as broken: ${result.excludedBroken.join(', ')}.`),
  );
}

export class SolutionsPanel {
  private items: Listed[] | null = null;
  private counts: Record<SolutionStatus, number> = { valid: 0, 'at-risk': 0, broken: 0 };
  private error: string | null = null;
  private filter: Filter = 'all';
  private open: string | undefined;
  private validation: SolutionValidation | null | 'error' = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view === 'solutions' && prev.view !== 'solutions') void this.load();
    });
    if (app.store.state.view === 'solutions') void this.load();
  }

  /** Loads afresh each time the view opens: statuses follow writes. */
  private async load(): Promise<void> {
    this.items = null;
    this.render();
    try {
      const [items, counts] = await Promise.all([api.solutions(), api.solutionCounts()]);
      this.items = items;
      this.counts = counts;
      this.error = null;
      if (this.open !== undefined) await this.expand(this.open);
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.render();
  }

  private async expand(id: string | undefined): Promise<void> {
    this.open = id;
    this.validation = null;
    const solution = this.items?.find((s) => s.id === id);
    this.app.setHighlight('solutions', solution === undefined ? null : { label: `Solution: ${solution.name}`, primary: new Set(solution.partners), secondary: new Set() });
    this.render();
    if (id === undefined) return;
    try {
      const validation = await api.solutionValidation(id);
      if (this.open === id) this.validation = validation;
    } catch {
      if (this.open === id) this.validation = 'error';
    }
    this.render();
  }

  render(): void {
    if (this.app.store.state.view !== 'solutions') return;
    const head = h('header', { class: 'panel-head' }, h('h2', null, 'Solutions'), h('div', { class: 'sub' }, 'Validated multi-partner solutions: which still hold, which are at risk or broken, and why.'));
    if (this.items === null) {
      replace(this.root, head, this.error === null ? ui.loading('the solution catalogue') : ui.error(this.error, () => void this.load()));
      return;
    }
    replace(
      this.root,
      head,
      renderCatalogue(this.items, this.counts, { filter: this.filter, open: this.open, validation: this.validation }, {
        filter: (f) => {
          this.filter = f;
          this.render();
        },
        open: (id) => void this.expand(id),
        member: (id) => this.app.select(id, { reveal: true }),
      }),
    );
  }
}

/** The "Solutions for this customer" action of a customer's details. */
export function customerSolutionsSection(customerId: string): HTMLElement {
  const title = h('h3', { class: 'section-title' }, 'Solutions for this customer');
  const box = h('section', { class: 'panel-section', id: 'customer-solutions-section' });
  const find = async () => {
    replace(box, title, ui.loading('the solutions that fit'));
    try {
      replace(box, title, renderSolutionFits(await api.customerSolutions(customerId)));
    } catch (error) {
      replace(box, title, ui.error(errorMessage(error), () => void find()));
    }
  };
  replace(box, title, h('button', { class: 'btn btn-small', type: 'button', id: 'find-solutions', on: { click: () => void find() } }, 'Find validated solutions'));
  return box;
}
