/**
 * The ecosystem health score card: the composite score, each component with
 * its weight, value and what drives it, and the documented formula. The top
 * bar's chip shows the score everywhere.
 */
import type { EcosystemHealth } from '../../../server/schemas/analytics.js';
import { api, errorMessage } from '../api/client.js';
import type { App } from '../app.js';
import { fmt, h, replace, ui } from '../dom.js';

export function scoreColor(score: number): string {
  if (score >= 70) return '#3ddc97';
  if (score >= 45) return '#f5a524';
  return '#ff6b6b';
}

export class HealthPanel {
  private data: EcosystemHealth | null = null;
  private error: string | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly chip: HTMLElement,
    private readonly app: App,
  ) {
    app.store.subscribe((next, prev) => {
      if (next.view === 'health' && prev.view !== 'health') this.render();
    });
    chip.addEventListener('click', () => app.store.set({ view: 'health' }));
    void this.load();
  }

  private async load(): Promise<void> {
    this.pending ??= api
      .ecosystemHealth()
      .then((data) => {
        this.data = data;
        this.error = null;
      })
      .catch((error: unknown) => {
        this.error = errorMessage(error);
      })
      .finally(() => {
        this.pending = null;
        this.drawChip();
        this.render();
      });
    await this.pending;
  }

  private drawChip(): void {
    if (this.data === null) {
      replace(this.chip, 'Health ', h('strong', null, this.error === null ? '…' : '—'));
      this.chip.title = this.error ?? 'Ecosystem health';
      return;
    }
    const score = this.data.score;
    replace(this.chip, h('span', { class: 'dot', style: `background:${scoreColor(score)}` }), 'Health ', h('strong', { id: 'health-score-chip' }, String(Math.round(score))));
  }

  render(): void {
    if (this.app.store.state.view !== 'health') return;
    this.app.setHighlight('health', null);
    const head = h('header', { class: 'panel-head' }, h('h2', null, 'Ecosystem health'), h('div', { class: 'sub' }, 'A composite 0–100 score and the components behind it.'));
    if (this.data === null) {
      replace(this.root, head, this.error === null ? ui.loading('the health score') : ui.error(this.error, () => void this.load()));
      return;
    }
    const d = this.data;
    const color = scoreColor(d.score);
    const weakest = [...d.components].sort((a, b) => a.value - b.value)[0];
    replace(
      this.root,
      head,
      h(
        'section',
        { class: 'panel-section health-top' },
        h('div', { class: 'gauge', id: 'health-gauge', style: `--v:${Math.max(0, Math.min(100, d.score))};--c:${color}` }, h('div', null, h('div', null, h('strong', { id: 'health-score' }, String(Math.round(d.score))), h('br'), h('span', null, 'of 100')))),
        h(
          'div',
          null,
          h('div', { style: `font-weight:700;font-size:15px;color:${color}` }, d.score >= 70 ? 'Healthy' : d.score >= 45 ? 'Needs attention' : 'At risk'),
          weakest !== undefined && h('p', { class: 'hint' }, 'Weakest component: ', h('b', null, weakest.label), ` (${fmt.pct(weakest.value)}).`),
        ),
      ),
      h(
        'section',
        { class: 'panel-section', id: 'health-components' },
        h('h3', { class: 'section-title' }, 'Components', h('span', { class: 'muted' }, 'value · weight')),
        d.components.map((c) =>
          h(
            'div',
            { class: 'component', dataset: { key: c.key } },
            h('div', { class: 'component-head' }, h('span', null, c.label), h('span', { class: 'muted' }, `${fmt.pct(c.value)} · ×${fmt.num(c.weight)}`)),
            h('div', { class: 'bar' }, h('span', { style: `width:${Math.round(c.value * 100)}%;background:${scoreColor(c.value * 100)}` })),
            h('p', { class: 'hint' }, c.detail),
            c.drivers.length > 0 && h('div', { class: 'chips', style: 'margin-top:6px' }, c.drivers.slice(0, 6).map((driver, i) => this.driver(driver, c.driverLabels[i]))),
          ),
        ),
      ),
      h('section', { class: 'panel-section' }, h('h3', { class: 'section-title' }, 'Formula'), h('div', { class: 'formula' }, d.formula)),
    );
  }

  /**
   * A driver shows the server's label (names and figures) and keeps its id or
   * API path on hover. A gaps path opens that cell in the gaps view; a node id
   * selects the node; anything else (a deal id) is shown only.
   */
  private driver(driver: string, label: string | undefined): HTMLElement {
    const { store, catalog } = this.app;
    const text = label ?? catalog.name(driver);
    if (driver.startsWith('/api/gaps')) {
      const q = new URLSearchParams(driver.split('?')[1] ?? '');
      const cell = { gapCapability: q.get('capability') ?? undefined, gapRegion: q.get('region') ?? undefined, gapSegment: q.get('segment') ?? undefined };
      return h('button', { class: 'chip driver', type: 'button', title: driver, on: { click: () => store.set({ view: 'gaps', ...cell }) } }, text);
    }
    if (catalog.node(driver) !== undefined || this.app.map.view.hasNode(driver)) {
      return h('button', { class: 'chip driver', type: 'button', title: driver, on: { click: () => this.app.select(driver, { reveal: true }) } }, text);
    }
    return h('span', { class: 'chip driver', title: driver }, text);
  }
}
