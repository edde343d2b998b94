/**
 * The deal builder: a customer (or a segment and region), the capabilities and
 * roles the deal needs, partners to include or exclude. The submitted request
 * lives in the URL; the ranked teams come from POST /api/deals/team, and
 * selecting one highlights its members and their existing links on the map.
 */
import { DealTeamRequest, type DealTeamResponse, type Team } from '../../../server/schemas/analytics.js';
import { PARTNER_TYPES } from '../../../server/schemas/model.js';
import { api, errorMessage, isAbort, type DealTeamInput } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { changed, type ViewState } from '../state.js';
import { fmt, h, replace, ui } from '../dom.js';
import { TYPE_COLORS, isPartnerType } from '../map/colors.js';
import { teamHighlight } from '../map/highlight.js';
import { createSearchBox } from './search.js';

const DEAL_KEYS = ['dealCustomer', 'dealRegion', 'dealSegment', 'dealCaps', 'dealRoles', 'dealInclude', 'dealExclude', 'dealMaxSize'] as const;

/** The request a state describes, or null when no deal was submitted. */
export function dealRequest(s: ViewState): DealTeamInput | null {
  if (s.dealCustomer === undefined && s.dealRegion === undefined) return null;
  return {
    customerId: s.dealCustomer,
    region: s.dealRegion,
    segment: s.dealSegment,
    capabilities: s.dealCaps,
    roles: s.dealRoles,
    include: s.dealInclude,
    exclude: s.dealExclude,
    maxSize: s.dealMaxSize,
    limit: 5,
  };
}

interface Draft {
  target: 'customer' | 'market';
  customer?: string;
  region?: string;
  segment?: string;
  caps: string[];
  roles: string[];
  include: string[];
  exclude: string[];
  maxSize: number;
}

export class DealsPanel {
  private draft: Draft;
  private result: { key: string; response: DealTeamResponse } | null = null;
  private inflight: AbortController | null = null;
  private errors: string[] = [];
  /** After a submission, bring the ranked teams into view once they arrive. */
  private revealResults = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    this.draft = this.draftFromState(app.store.state);
    app.store.subscribe((next, prev) => {
      if (next.view !== 'deals') {
        this.inflight?.abort();
        return;
      }
      if (prev.view !== 'deals' || changed(prev, next, DEAL_KEYS)) {
        this.draft = this.draftFromState(next);
        this.render();
      } else if (next.team !== prev.team) this.applyTeam();
    });
  }

  private draftFromState(s: ViewState): Draft {
    return {
      target: s.dealCustomer === undefined && s.dealRegion !== undefined ? 'market' : 'customer',
      customer: s.dealCustomer,
      region: s.dealRegion,
      segment: s.dealSegment,
      caps: [...s.dealCaps],
      roles: [...s.dealRoles],
      include: [...s.dealInclude],
      exclude: [...s.dealExclude],
      maxSize: s.dealMaxSize,
    };
  }

  render(): void {
    if (this.app.store.state.view !== 'deals') return;
    const results = h('section', { class: 'panel-section', id: 'deal-results' });
    replace(
      this.root,
      h('header', { class: 'panel-head' }, h('h2', null, 'Deal builder'), h('div', { class: 'sub' }, 'Assemble the partner team that covers a deal: capabilities, roles and region.')),
      this.form(),
      results,
    );
    void this.run(results);
  }

  private form(): HTMLElement {
    const { catalog } = this.app;
    const d = this.draft;
    const body = h('div', { class: 'form-grid' });
    const rerender = () => {
      const fresh = this.form();
      form.replaceWith(fresh);
    };

    const targetSwitch = h(
      'div',
      { class: 'field full' },
      h('span', null, 'Deal for'),
      h(
        'div',
        { class: 'segmented', role: 'group' },
        h('button', { type: 'button', 'aria-pressed': String(d.target === 'customer'), on: { click: () => ((d.target = 'customer'), rerender()) } }, 'A customer'),
        h('button', { type: 'button', 'aria-pressed': String(d.target === 'market'), on: { click: () => ((d.target = 'market'), rerender()) } }, 'A segment in a region'),
      ),
    );

    const chipList = (ids: string[], label: (id: string) => string, onRemove: (id: string) => void) =>
      h('div', { class: 'chips' }, ids.map((id) => h('span', { class: 'chip chip-strong' }, label(id), h('button', { class: 'x', type: 'button', 'aria-label': `Remove ${label(id)}`, on: { click: () => (onRemove(id), rerender()) } }, '×'))));

    const customerField =
      d.target === 'customer'
        ? h(
            'div',
            { class: 'field full picker', id: 'deal-customer' },
            h('span', null, 'Customer'),
            d.customer === undefined
              ? createSearchBox({ placeholder: 'Search a customer…', kind: 'customer', catalog, clearOnPick: true, onPick: (r) => void this.pickCustomer(r.id, rerender) })
              : chipList([d.customer], (id) => catalog.name(id), () => (d.customer = undefined)),
          )
        : null;

    const selectField = (label: string, id: string, value: string | undefined, options: Array<[string, string]>, set: (v: string | undefined) => void, blank: string) =>
      h(
        'label',
        { class: 'field' },
        h('span', null, label),
        h(
          'select',
          { id, on: { change: (e: Event) => set((e.target as HTMLSelectElement).value || undefined) } },
          h('option', { value: '' }, blank),
          options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
        ),
      );

    const regions = [...catalog.regions].sort((a, b) => a[1].localeCompare(b[1]));
    const segments = [...catalog.segments];
    const caps = [...catalog.capabilities.values()].sort((a, b) => a.name.localeCompare(b.name));

    const capField = h(
      'div',
      { class: 'field full' },
      h('span', null, 'Required capabilities', h('span', { class: 'muted' }, String(d.caps.length))),
      h(
        'select',
        {
          id: 'deal-capability-add',
          on: {
            change: (e: Event) => {
              const v = (e.target as HTMLSelectElement).value;
              if (v !== '' && !d.caps.includes(v)) d.caps.push(v);
              rerender();
            },
          },
        },
        h('option', { value: '' }, 'Add a capability…'),
        caps.filter((c) => !d.caps.includes(c.id)).map((c) => h('option', { value: c.id }, c.name)),
      ),
      chipList(d.caps, (id) => catalog.capability(id), (id) => (d.caps = d.caps.filter((x) => x !== id))),
    );

    const roleField = h(
      'div',
      { class: 'field full' },
      h('span', null, 'Required roles'),
      h(
        'div',
        { class: 'checks', id: 'deal-roles' },
        PARTNER_TYPES.map((t) =>
          h(
            'label',
            null,
            h('input', {
              type: 'checkbox',
              value: t,
              checked: d.roles.includes(t),
              on: { change: (e: Event) => ((d.roles = (e.target as HTMLInputElement).checked ? [...d.roles, t] : d.roles.filter((r) => r !== t)), undefined) },
            }),
            h('span', { class: 'swatch', style: `width:8px;height:8px;border-radius:50%;background:${TYPE_COLORS[t]}` }),
            t,
          ),
        ),
      ),
    );

    const partnerPicker = (label: string, id: string, list: string[]) =>
      h(
        'div',
        { class: 'field picker', id },
        h('span', null, label),
        createSearchBox({ placeholder: 'Search a partner…', kind: 'partner', catalog, clearOnPick: true, onPick: (r) => (list.includes(r.id) || list.push(r.id), rerender()) }),
        chipList(list, (x) => catalog.name(x), (x) => list.splice(list.indexOf(x), 1)),
      );

    body.append(
      targetSwitch,
      ...(customerField === null ? [] : [customerField]),
      selectField(d.target === 'customer' ? 'Region (optional)' : 'Region', 'deal-region', d.region, regions, (v) => (d.region = v), d.target === 'customer' ? "The customer's" : 'Choose…'),
      selectField('Segment', 'deal-segment', d.segment, segments, (v) => (d.segment = v), d.target === 'customer' ? "The customer's" : 'Any'),
      capField,
      roleField,
      partnerPicker('Must include', 'deal-include', d.include),
      partnerPicker('Exclude', 'deal-exclude', d.exclude),
      h(
        'label',
        { class: 'field' },
        h('span', null, 'Max team size'),
        h('input', { type: 'number', id: 'deal-max', min: '1', max: '10', value: String(d.maxSize), on: { change: (e: Event) => (d.maxSize = Number((e.target as HTMLInputElement).value) || 4) } }),
      ),
    );

    const form: HTMLElement = h(
      'form',
      {
        class: 'panel-section',
        id: 'deal-form',
        on: {
          submit: (e: SubmitEvent) => {
            e.preventDefault();
            this.submit();
          },
        },
      },
      body,
      this.errors.length > 0 && h('div', { class: 'field-error', role: 'alert' }, this.errors.join('; ')),
      h(
        'div',
        { class: 'form-actions' },
        h('button', { class: 'btn btn-primary', type: 'submit', id: 'deal-submit' }, 'Assemble teams'),
        h('button', { class: 'btn', type: 'button', on: { click: () => this.app.store.set(Object.fromEntries(DEAL_KEYS.map((k) => [k, undefined])) as Partial<ViewState>) } }, 'Reset'),
      ),
    );
    return form;
  }

  /** A picked customer brings its needs, region and segment into the form, where the user can still change them. */
  private async pickCustomer(id: string, rerender: () => void): Promise<void> {
    const d = this.draft;
    d.customer = id;
    rerender();
    // The form shown by then is the one just drawn, not the one whose closure called us.
    const redraw = () => this.root.querySelector('#deal-form')?.replaceWith(this.form());
    try {
      const customer = await api.customer(id);
      if (d.customer !== id) return;
      d.caps = [...new Set([...d.caps, ...customer.needs])];
      d.region = customer.region;
      d.segment = customer.segment;
      this.errors = [];
    } catch (error) {
      this.errors = [`could not read the customer's needs: ${errorMessage(error)}`];
    }
    redraw();
  }

  private submit(): void {
    const d = this.draft;
    const customer = d.target === 'customer' ? d.customer : undefined;
    const request: DealTeamInput = {
      customerId: customer,
      region: d.region,
      segment: d.segment,
      capabilities: d.caps,
      roles: d.roles.filter(isPartnerType),
      include: d.include,
      exclude: d.exclude,
      maxSize: d.maxSize,
    };
    const parsed = DealTeamRequest.safeParse(request);
    if (!parsed.success) {
      this.errors = parsed.error.issues.map((i) => i.message);
      this.render();
      return;
    }
    if (d.caps.length === 0 && d.roles.length === 0) {
      this.errors = ['choose at least one capability or role'];
      this.render();
      return;
    }
    this.errors = [];
    this.revealResults = true;
    this.app.store.set({
      dealCustomer: customer,
      dealRegion: d.region,
      dealSegment: d.segment,
      dealCaps: d.caps,
      dealRoles: request.roles ?? [],
      dealInclude: d.include,
      dealExclude: d.exclude,
      dealMaxSize: d.maxSize,
      team: 0,
    });
  }

  private async run(box: HTMLElement): Promise<void> {
    const request = dealRequest(this.app.store.state);
    if (request === null) {
      replace(box, ui.empty('Describe the deal above and press “Assemble teams”.'));
      this.app.setHighlight('deals', null);
      return;
    }
    const key = JSON.stringify(request);
    if (this.result?.key === key) {
      this.drawTeams(box, this.result.response);
      return;
    }
    this.inflight?.abort();
    const controller = new AbortController();
    this.inflight = controller;
    replace(box, ui.loading('teams'));
    try {
      const response = await api.dealTeam(request, controller.signal);
      await this.app.catalog.ensure([...response.teams.flatMap((t) => t.members.map((m) => m.partnerId)), ...(response.unmet ?? []).flatMap((u) => u.closest)]);
      if (controller.signal.aborted) return;
      this.result = { key, response };
      this.drawTeams(box, response);
    } catch (error) {
      if (isAbort(error)) return;
      this.app.setHighlight('deals', null);
      replace(box, ui.error(errorMessage(error), () => void this.run(box)));
    }
  }

  private drawTeams(box: HTMLElement, response: DealTeamResponse): void {
    const { catalog, store } = this.app;
    const selected = store.state.team ?? 0;
    const top = Math.max(1e-9, ...response.teams.map((t) => t.score));
    replace(
      box,
      h(
        'h3',
        { class: 'section-title' },
        response.teams.length === 0 ? 'No team' : `${fmt.plural(response.teams.length, 'team')} ranked`,
        response.teams.length > 0 && csvButton(() => ({ path: '/api/deals/team', body: dealRequest(store.state) }), 'deal-teams-csv'),
      ),
      (response.unmet ?? []).length > 0 &&
        h(
          'div',
          { class: 'notice notice-danger', style: 'margin-bottom:12px', id: 'deal-unmet' },
          h('b', null, 'Not fully coverable. '),
          (response.unmet ?? []).map((u) =>
            h('div', null, `${u.kind === 'capability' ? catalog.capability(u.requirement) : u.requirement}: ${u.reason}`, u.closest.length > 0 && h('span', { class: 'muted' }, ` Closest: ${u.closest.slice(0, 3).map((c) => catalog.name(c)).join(', ')}.`)),
          ),
        ),
      h(
        'div',
        { class: 'cards', id: 'teams' },
        response.teams.map((team, i) =>
          h(
            'div',
            {
              class: `card team-card ${i === selected ? 'active' : ''}`,
              tabindex: '0',
              dataset: { index: String(i) },
              on: {
                click: () => store.set({ team: i }),
                mouseenter: () => this.app.preview('deals', this.highlightFor(team, i)),
                mouseleave: () => this.app.preview('deals', null),
              },
            },
            h('div', { class: 'card-head' }, h('span', { class: 'muted small' }, `#${i + 1}`), h('span', { class: 'title' }, `Team of ${team.members.length}`), h('span', { class: 'score' }, fmt.num(team.score))),
            h('div', { class: 'bar' }, h('span', { style: `width:${Math.round((100 * team.score) / top)}%` })),
            h(
              'ul',
              { class: 'members' },
              team.members.map((m) =>
                h(
                  'li',
                  null,
                  h('span', { class: 'swatch', style: `background:${isPartnerType(m.role) ? TYPE_COLORS[m.role] : '#999'}` }),
                  h(
                    'div',
                    null,
                    h('span', { class: 'who' }, catalog.name(m.partnerId)),
                    h('span', { class: 'muted' }, ` · ${m.role}`),
                    m.covers.length > 0 && h('div', null, 'covers ', m.covers.map((c) => catalog.capability(c)).join(', ')),
                    h('div', { class: 'why' }, m.reason),
                  ),
                ),
              ),
            ),
            h('p', { class: 'hint', style: 'margin-top:8px' }, team.explanation),
            h(
              'div',
              { class: 'components' },
              (['coverage', 'cohesion', 'customerFit', 'quality'] as const).map((k) => h('div', null, h('b', null, fmt.num(team.components[k])), k === 'customerFit' ? 'customer fit' : k)),
            ),
            team.links.length > 0 && h('div', { class: 'muted small', style: 'margin-top:6px' }, `${fmt.plural(team.links.length, 'existing link')} among members`),
          ),
        ),
      ),
    );
    this.applyTeam();
    if (this.revealResults) {
      this.revealResults = false;
      box.scrollIntoView({ block: 'start' });
    }
  }

  private highlightFor(team: Team, index: number) {
    return teamHighlight(team, `Team ${index + 1}`, this.app.store.state.dealCustomer);
  }

  private applyTeam(): void {
    const teams = this.result?.response.teams ?? [];
    const index = this.app.store.state.team ?? 0;
    const team = teams[index];
    for (const card of this.root.querySelectorAll<HTMLElement>('.team-card')) card.classList.toggle('active', card.dataset['index'] === String(index));
    this.app.setHighlight('deals', team === undefined ? null : this.highlightFor(team, index));
    if (team !== undefined) void this.app.map.view.fitTo(team.members.map((m) => m.partnerId));
  }
}
