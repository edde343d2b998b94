/**
 * The partner programme: a track's tiers and what they require, who is
 * mis-tiered and why (filterable), and the track's lifecycle funnel as bars
 * with the stalled partners and what to do next. `renderPrograms` draws the
 * data; ProgramsPanel fetches it for the chosen track and filter.
 */
import type { Funnel, ProgramTrack, RequirementCheck, TierEvaluation } from '../../../server/schemas/programs.js';
import { api, errorMessage } from '../api/client.js';
import { csvButton } from '../api/download.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';

type StatusFilter = 'mis-tiered' | 'under-tiered' | 'over-tiered';
interface ProgramsData {
  tracks: ProgramTrack[];
  track: ProgramTrack;
  evaluations: TierEvaluation[];
  counts: Record<TierEvaluation['status'], number>;
  funnel: Funnel;
}

const shown = (value: RequirementCheck['actual']) => (Array.isArray(value) ? value.join(', ') || 'none' : value === null ? '—' : typeof value === 'number' ? fmt.int(value) : value);

function requirementText(r: RequirementCheck): string {
  return `${r.requirement} ${shown(r.actual)} of ${shown(r.required)}`;
}

export function renderPrograms(
  data: ProgramsData,
  filter: StatusFilter,
  on: { track: (id: string) => void; filter: (f: StatusFilter) => void; partner: (id: string) => void; name: (id: string) => string },
): HTMLElement[] {
  const { track, funnel } = data;
  const widest = Math.max(1, ...funnel.stages.map((s) => s.count));
  const misTiered = data.evaluations.filter((e) => (filter === 'mis-tiered' ? e.status !== 'ok' : e.status === filter));
  return [
    h(
      'section',
      { class: 'panel-section' },
      h('label', { class: 'field' }, 'Track ', h('select', { id: 'programs-track', on: { change: (e) => on.track((e.target as HTMLSelectElement).value) } }, data.tracks.map((t) => h('option', { value: t.id, selected: t.id === track.id }, t.name ?? t.id)))),
      h('p', { class: 'hint' }, `For ${track.partnerTypes.join(', ') || 'any partner'}. Benefits: ${track.benefits.join(', ') || 'none'}.`, track.protectionDays !== undefined && ` Deal registration protected ${track.protectionDays} days.`),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'programs-tiers' },
      h('h3', { class: 'section-title' }, 'Tiers', h('span', { class: 'muted' }, 'lowest first')),
      track.tiers.map((tier) =>
        h(
          'div',
          { class: 'component', dataset: { tier: tier.id } },
          h('div', { class: 'component-head' }, h('b', null, tier.name ?? tier.id), h('span', { class: 'muted' }, tier.benefits.join(', '))),
          h('p', { class: 'hint' }, Object.entries(tier.requirements).map(([k, v]) => `${k} ≥ ${Array.isArray(v) ? v.join(', ') : v}`).join(' · ') || 'no requirement'),
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'programs-funnel' },
      h('h3', { class: 'section-title' }, 'Lifecycle funnel', h('span', { class: 'muted' }, 'partners · conversion · median days')),
      funnel.stages.map((s) =>
        h(
          'div',
          { class: 'component funnel-stage', dataset: { stage: s.stage, count: String(s.count) } },
          h('div', { class: 'component-head' }, h('span', null, s.stage), h('span', { class: 'muted' }, `${fmt.int(s.count)} · ${s.conversion === null ? '—' : fmt.pct(s.conversion)} · ${s.medianDays === null ? '—' : `${fmt.num(s.medianDays, 1)} d`}`)),
          h('div', { class: 'bar' }, h('span', { style: `width:${Math.round((s.count / widest) * 100)}%;background:${s.stalledCount > 0 ? '#f5a524' : '#3ddc97'}` })),
          s.stalledCount > 0 &&
            h(
              'details',
              { class: 'stalled' },
              h('summary', null, `${fmt.plural(s.stalledCount, 'stalled partner')} (over ${s.stallLimitDays} days)`),
              s.stalled.slice(0, 20).map((x) =>
                h('div', { class: 'stalled-partner', dataset: { partner: x.partnerId } }, h('button', { class: 'chip', type: 'button', on: { click: () => on.partner(x.partnerId) } }, on.name(x.partnerId)), ` ${x.days} days. `, h('span', { class: 'hint' }, x.nextAction)),
              ),
            ),
        ),
      ),
    ),
    h(
      'section',
      { class: 'panel-section', id: 'programs-mis-tiered' },
      h(
        'h3',
        { class: 'section-title' },
        'Mis-tiered',
        h('span', { class: 'muted' }, `${fmt.int(data.counts['under-tiered'])} under · ${fmt.int(data.counts['over-tiered'])} over · ${fmt.int(data.counts.ok)} ok`),
        // The download holds the track's evaluations, ok ones included, unless one status is chosen.
        csvButton(() => ({ path: '/api/tiers/evaluation', query: { track: track.id, status: filter === 'mis-tiered' ? undefined : filter } }), 'tier-evaluations-csv'),
      ),
      h(
        'select',
        { id: 'programs-status', on: { change: (e) => on.filter((e.target as HTMLSelectElement).value as StatusFilter) } },
        (['mis-tiered', 'under-tiered', 'over-tiered'] as const).map((f) => h('option', { value: f, selected: f === filter }, f)),
      ),
      misTiered.length === 0
        ? ui.empty('Nobody here.')
        : misTiered.slice(0, 50).map((e) =>
            h(
              'div',
              { class: 'component tier-row', dataset: { partner: e.partnerId, status: e.status } },
              h('div', { class: 'component-head' }, h('button', { class: 'chip', type: 'button', on: { click: () => on.partner(e.partnerId) } }, on.name(e.partnerId)), h('span', { class: 'muted' }, `${e.currentTier} → ${e.qualifiedTier ?? 'none'} (${e.status})`)),
              h('p', { class: 'hint' }, e.requirements.filter((r) => (e.status === 'over-tiered' ? !r.met : true)).map(requirementText).join(' · ')),
            ),
          ),
    ),
  ];
}

export class ProgramsPanel {
  private data: ProgramsData | null = null;
  private error: string | null = null;
  private trackId: string | undefined;
  private filter: StatusFilter = 'mis-tiered';

  constructor(
    private readonly root: HTMLElement,
    private readonly app: App,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view === 'programs' && prev.view !== 'programs') void this.load();
    });
    if (app.store.state.view === 'programs') void this.load();
  }

  private async load(): Promise<void> {
    this.data = null;
    this.render();
    try {
      const { tracks } = await api.programs();
      const track = tracks.find((t) => t.id === this.trackId) ?? tracks.find((t) => t.id === 'resell') ?? tracks[0];
      if (track === undefined) throw new Error('The store defines no programme: import a bundle with a "programs" section.');
      this.trackId = track.id;
      const [page, funnel] = await Promise.all([api.tierEvaluation({ track: track.id, limit: 1000 }), api.funnel(track.id)]);
      this.data = { tracks, track, evaluations: page.items, counts: page.counts, funnel };
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
    this.render();
  }

  render(): void {
    if (this.app.store.state.view !== 'programs') return;
    this.app.setHighlight('programs', null);
    const head = h('header', { class: 'panel-head' }, h('h2', null, 'Programme'), h('div', { class: 'sub' }, 'Tracks and tiers, who is mis-tiered and why, and the lifecycle funnel.'));
    if (this.data === null) {
      replace(this.root, head, this.error === null ? ui.loading('the programme') : ui.error(this.error, () => void this.load()));
      return;
    }
    replace(
      this.root,
      head,
      renderPrograms(this.data, this.filter, {
        track: (id) => {
          this.trackId = id;
          void this.load();
        },
        filter: (f) => {
          this.filter = f;
          this.render();
        },
        partner: (id) => this.app.select(id, { reveal: true }),
        name: (id) => this.app.catalog.name(id),
      }),
    );
  }
}
