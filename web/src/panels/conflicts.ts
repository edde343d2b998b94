/**
 * The Conflicts inbox: deal registration conflicts with their evidence and
 * suggested resolution, filtered by status and kind; an open one is resolved
 * by a policy (manual shares edited per partner) and the list refreshes; a
 * resolved one shows its audit. `renderConflicts` draws the data;
 * ConflictsPanel fetches it and calls the API.
 */
import { CONFLICT_KINDS, RESOLUTION_POLICIES, type Claim, type Conflict, type ResolutionPolicy, type ResolveRequest } from '../../../server/schemas/conflicts.js';
import { api, errorMessage } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';

type Status = 'open' | 'resolved';
interface Filters {
  status: Status;
  kind: string;
}
interface Callbacks {
  filters: (f: Filters) => void;
  resolve: (conflict: Conflict, request: ResolveRequest) => Promise<string | null>;
  partner: (id: string) => void;
  name: (id: string) => string;
}

const POLICY_HINTS: Record<ResolutionPolicy, string> = {
  'first-registered': 'the earliest registration takes the credit in dispute',
  'role-split': 'split by role weight',
  proportional: 'in proportion to the claims',
  manual: 'shares you set, adding up to 100%',
};

const share = (c: Claim) => (c.claimedShare === null ? 'no claim' : fmt.pct(c.claimedShare));

function claimsLine(claims: Claim[], name: (id: string) => string): string {
  return claims.map((c) => `${name(c.partner)} on ${c.deal} (${c.role}) ${share(c)}`).join(' · ');
}

/** The policy picker, the manual shares editor and the Resolve button of one open conflict. */
function resolveForm(conflict: Conflict, on: Callbacks): HTMLElement {
  const message = h('p', { class: 'hint resolve-message', role: 'status' });
  const sharesEditor = h(
    'div',
    { class: 'manual-shares', hidden: true },
    conflict.partners.map((p) =>
      h('label', { class: 'field' }, `${on.name(p)} `, h('input', { type: 'number', min: '0', max: '100', step: '1', value: '', dataset: { partner: p }, 'aria-label': `share of ${on.name(p)} in %` }), ' %'),
    ),
  );
  const policyHint = h('span', { class: 'hint' }, POLICY_HINTS[RESOLUTION_POLICIES[0]]);
  const policy = h(
    'select',
    {
      class: 'resolve-policy',
      'aria-label': 'resolution policy',
      on: {
        change: () => {
          sharesEditor.hidden = policy.value !== 'manual';
          policyHint.textContent = POLICY_HINTS[policy.value as ResolutionPolicy];
        },
      },
    },
    RESOLUTION_POLICIES.map((p) => h('option', { value: p }, p)),
  );
  const note = h('input', { type: 'text', class: 'resolve-note', placeholder: 'note (optional)', maxlength: '2000' });
  const button = h('button', { class: 'btn btn-small resolve-button', type: 'button' }, 'Resolve');
  button.addEventListener('click', () => {
    const chosen = policy.value as ResolutionPolicy;
    const request: ResolveRequest = { policy: chosen, ...(note.value.trim() === '' ? {} : { note: note.value.trim() }) };
    if (chosen === 'manual') {
      request.shares = Object.fromEntries(
        [...sharesEditor.querySelectorAll<HTMLInputElement>('input[data-partner]')].filter((i) => i.value !== '').map((i) => [i.dataset['partner']!, Number(i.value) / 100]),
      );
    }
    button.disabled = true;
    message.textContent = 'Resolving…';
    void on.resolve(conflict, request).then((error) => {
      button.disabled = false;
      message.textContent = error ?? '';
    });
  });
  return h('div', { class: 'resolve-form' }, h('div', { class: 'resolve-row' }, policy, policyHint), sharesEditor, h('div', { class: 'resolve-row' }, note, button), message);
}

function conflictCard(conflict: Conflict, on: Callbacks): HTMLElement {
  const audit = conflict.resolution;
  return h(
    'div',
    { class: 'component conflict', dataset: { id: conflict.id, kind: conflict.kind, status: conflict.status } },
    h('div', { class: 'component-head' }, h('b', null, conflict.kind), h('span', { class: 'muted' }, conflict.amount === null ? 'no amount' : `$${fmt.int(conflict.amount)}`)),
    h('p', { class: 'hint' }, 'Deals: ', conflict.deals.join(', '), ' · Partners: ', conflict.partners.map((p, i) => [i > 0 && ' ', h('button', { class: 'chip', type: 'button', on: { click: () => on.partner(p) } }, on.name(p))])),
    h('p', { class: 'evidence' }, conflict.evidence),
    conflict.status === 'open'
      ? [h('p', { class: 'hint suggestion' }, 'Suggested: ', conflict.suggestedResolution), resolveForm(conflict, on)]
      : audit !== undefined &&
        h(
          'div',
          { class: 'audit' },
          h('p', { class: 'hint' }, `Resolved by ${audit.actor} on ${audit.at.slice(0, 16).replace('T', ' ')} UTC, policy ${audit.policy}${audit.note === undefined ? '' : `: “${audit.note}”`}`),
          h('p', { class: 'hint' }, 'Before: ', claimsLine(audit.before, on.name)),
          h('p', { class: 'hint audit-after' }, 'After: ', claimsLine(audit.after, on.name)),
        ),
  );
}

export function renderConflicts(conflicts: Conflict[], total: number, filters: Filters, on: Callbacks): HTMLElement[] {
  return [
    h(
      'section',
      { class: 'panel-section', id: 'conflicts-filters' },
      h('label', { class: 'field' }, 'Show ', h('select', { id: 'conflicts-status', on: { change: (e) => on.filters({ ...filters, status: (e.target as HTMLSelectElement).value as Status }) } }, (['open', 'resolved'] as const).map((s) => h('option', { value: s, selected: s === filters.status }, s)))),
      h('label', { class: 'field' }, ' Kind ', h('select', { id: 'conflicts-kind', on: { change: (e) => on.filters({ ...filters, kind: (e.target as HTMLSelectElement).value }) } }, ['', ...CONFLICT_KINDS].map((k) => h('option', { value: k, selected: k === filters.kind }, k || 'all')))),
      csvButton(() => ({ path: '/api/conflicts', query: { status: filters.status, kind: filters.kind } }), 'conflicts-csv'),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'conflicts-list' },
      h('h3', { class: 'section-title' }, filters.status === 'open' ? 'Open conflicts' : 'Resolved', h('span', { class: 'muted' }, conflicts.length < total ? `${fmt.int(conflicts.length)} of ${fmt.int(total)}` : fmt.int(total))),
      conflicts.length === 0 ? ui.empty(filters.status === 'open' ? 'No open conflict.' : 'Nothing resolved yet.') : conflicts.map((c) => conflictCard(c, on)),
    ),
  ];
}

export class ConflictsPanel {
  private data: { conflicts: Conflict[]; total: number } | null = null;
  private error: string | null = null;
  private filters: Filters = { status: 'open', kind: '' };

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view === 'conflicts' && prev.view !== 'conflicts') void this.load();
    });
    if (app.store.state.view === 'conflicts') void this.load();
  }

  private async load(): Promise<void> {
    this.data = null;
    this.render();
    try {
      const { conflicts, total } = await api.conflicts({ status: this.filters.status, ...(this.filters.kind === '' ? {} : { kind: this.filters.kind }), limit: 200 });
      this.data = { conflicts, total };
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.render();
  }

  /** Resolves a conflict; on success the list reloads, on failure the API's message is returned for the form. */
  private async resolve(conflict: Conflict, request: ResolveRequest): Promise<string | null> {
    try {
      await api.resolveConflict(conflict.id, request);
    } catch (error) {
      return errorMessage(error);
    }
    await this.load();
    return null;
  }

  render(): void {
    if (this.app.store.state.view !== 'conflicts') return;
    this.app.setHighlight('conflicts', null);
    const head = h('header', { class: 'panel-head' }, h('h2', null, 'Conflicts'), h('div', { class: 'sub' }, 'Deal registration conflicts: over-claimed credit, duplicate registrations, channel conflicts and claims on managed customers.'));
    if (this.data === null) {
      replace(this.root, head, this.error === null ? ui.loading('the conflicts') : ui.error(this.error, () => void this.load()));
      return;
    }
    replace(
      this.root,
      head,
      renderConflicts(this.data.conflicts, this.data.total, this.filters, {
        filters: (f) => {
          this.filters = f;
          void this.load();
        },
        resolve: (conflict, request) => this.resolve(conflict, request),
        partner: (id) => this.app.select(id, { reveal: true }),
        name: (id) => this.app.catalog.name(id),
      }),
    );
  }
}
