/**
 * Ranked introductions with their explanations. Hovering one previews it on
 * the map (the suggested link, dashed, and the shared customers behind it);
 * clicking pins it until clicked again.
 */
import type { Introduction } from '../../../server/schemas/analytics.js';
import type { App } from '../app.js';
import { fmt, h } from '../dom.js';
import { nodeColor } from '../map/colors.js';
import { introductionHighlight, type Highlight } from '../map/highlight.js';

const SIGNAL_LABELS: Record<Introduction['signals'][number]['name'], string> = {
  sharedCustomers: 'Shared customers',
  complementaryRoles: 'Complementary roles',
  complementaryCapabilities: 'Complementary capabilities',
  commonNeighbours: 'Common partners',
  regionOverlap: 'Region overlap',
  segmentOverlap: 'Segment overlap',
};

export function introductionLabel(app: App, intro: Introduction): string {
  return `Introduce ${app.catalog.name(intro.partnerId)} ↔ ${app.catalog.name(intro.otherPartnerId)}`;
}

export function introductionList(
  app: App,
  intros: readonly Introduction[],
  options: { selfId?: string; onPin(highlight: Highlight | null): void },
): HTMLElement {
  const top = Math.max(1e-9, ...intros.map((i) => i.score));
  let pinned: HTMLElement | null = null;
  const cards = intros.map((intro, rank) => {
    const other = intro.otherPartnerId === options.selfId ? intro.partnerId : intro.otherPartnerId;
    const title =
      options.selfId === undefined ? `${app.catalog.name(intro.partnerId)} ↔ ${app.catalog.name(intro.otherPartnerId)}` : app.catalog.name(other);
    const info = app.catalog.node(other);
    const highlight = () => introductionHighlight(intro, introductionLabel(app, intro));
    const signals = [...intro.signals].sort((a, b) => b.contribution - a.contribution).filter((s) => s.contribution > 0);
    const card = h(
      'div',
      {
        class: 'card intro-card',
        tabindex: '0',
        dataset: { partner: intro.partnerId, other: intro.otherPartnerId },
        on: {
          mouseenter: () => app.preview('explore', highlight()),
          mouseleave: () => app.preview('explore', null),
          focus: () => app.preview('explore', highlight()),
          blur: () => app.preview('explore', null),
          click: () => {
            pinned?.classList.remove('active');
            if (pinned === card) {
              pinned = null;
              options.onPin(null);
            } else {
              pinned = card;
              card.classList.add('active');
              const pinnedHighlight = highlight();
              options.onPin(pinnedHighlight);
              void app.map.view.fitTo([...pinnedHighlight.primary, ...pinnedHighlight.secondary]);
            }
          },
        },
      },
      h(
        'div',
        { class: 'card-head' },
        h('span', { class: 'muted small' }, `#${rank + 1}`),
        h('span', { class: 'swatch', style: `width:9px;height:9px;border-radius:50%;background:${nodeColor({ kind: 'partner', types: info?.types ?? [] })}` }),
        h('span', { class: 'title', title }, title),
        h('span', { class: 'score', title: 'Introduction score' }, fmt.num(intro.score)),
      ),
      h('div', { class: 'bar' }, h('span', { style: `width:${Math.round((100 * intro.score) / top)}%` })),
      info !== undefined && info.types.length > 0 && h('div', { class: 'muted small' }, info.types.join(' · ')),
      h(
        'ul',
        { class: 'signals' },
        signals.slice(0, 4).map((s) =>
          h('li', { title: s.evidence.length > 0 ? `Evidence: ${s.evidence.slice(0, 12).map((e) => app.catalog.name(e)).join(', ')}` : '' }, h('span', { class: 'contrib' }, `+${fmt.num(s.contribution)}`), h('span', null, h('b', null, SIGNAL_LABELS[s.name]), ' — ', s.detail)),
        ),
      ),
      h(
        'div',
        { class: 'form-actions', style: 'margin-top:8px' },
        h(
          'button',
          {
            class: 'link',
            type: 'button',
            on: {
              click: (e: MouseEvent) => {
                e.stopPropagation();
                app.select(other, { reveal: true });
              },
            },
          },
          `Open ${app.catalog.name(other)} →`,
        ),
      ),
    );
    return card;
  });
  return h('div', { class: 'cards', id: 'introductions' }, cards);
}
