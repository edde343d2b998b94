/**
 * Sharing and account mapping: a partner's sharing settings (in its details
 * for the vendor's editors, and for a partner key its own), and, when the app
 * runs with a partner key, what the other partners share with it.
 */
import { api, errorMessage } from '../api/client.js';
import { fmt, h, replace, ui } from '../dom.js';
import { SHARING_LEVELS, type AccountMappingResponse, type SharingLevel, type SharingResponse } from '../../../server/schemas/sharing.js';

let me: ReturnType<typeof api.me> | undefined;
/** Who the app acts as, asked once (a failed answer is asked again next time). */
export function whoAmI(): ReturnType<typeof api.me> {
  me ??= api.me().catch((error: unknown) => {
    me = undefined;
    throw error;
  });
  return me;
}

const LEVEL_HELP: Record<SharingLevel, string> = {
  hidden: 'nothing',
  counts: 'how many customers you have in common',
  overlaps: 'the customers you have in common',
  everything: 'all its customers and relationships',
};

function levelSelect(value: SharingLevel, label: string): HTMLSelectElement {
  const select = h('select', { 'aria-label': label }, ...SHARING_LEVELS.map((level) => h('option', { value: level, title: LEVEL_HELP[level] }, level)));
  select.value = value;
  return select;
}

/**
 * The "Sharing" section of a partner: its default and its level per partner,
 * editable when `editable` (saved with one PUT that replaces them), read-only otherwise.
 */
export function sharingSection(partnerId: string, editable: boolean, onSaved: () => void = () => undefined): HTMLElement {
  const box = h('section', { class: 'panel-section', id: 'sharing-section' }, h('h3', { class: 'section-title' }, 'Sharing'), ui.loading('sharing'));
  const render = (settings: SharingResponse, message?: HTMLElement) => {
    const rows = Object.entries(settings.partners).sort(([a], [b]) => (a < b ? -1 : 1));
    const title = h('h3', { class: 'section-title' }, 'Sharing');
    if (!editable) {
      replace(
        box,
        title,
        h('p', { class: 'muted' }, `Shares ${settings.default} with partners it does not name${settings.defaultSet ? '' : ' (the default: nothing until it opts in)'}.`),
        rows.length === 0 ? false : h('table', { class: 'mapping-table', id: 'sharing-levels' }, ...rows.map(([other, level]) => h('tr', null, h('td', null, other), h('td', null, h('span', { class: 'badge' }, level))))),
      );
      return;
    }
    const defaultSelect = levelSelect(settings.default, 'default sharing level');
    defaultSelect.id = 'sharing-default';
    const named = rows.map(([other, level]) => ({ other, select: levelSelect(level, `sharing level for ${other}`) }));
    const table = h('table', { class: 'mapping-table', id: 'sharing-levels' });
    const drawRows = () =>
      replace(
        table,
        ...named.map((row) =>
          h(
            'tr',
            { dataset: { partner: row.other } },
            h('td', null, row.other),
            h('td', null, row.select),
            h('td', null, h('button', { class: 'btn btn-small', type: 'button', title: `Forget ${row.other}: the default applies`, on: { click: () => (named.splice(named.indexOf(row), 1), drawRows()) } }, '×')),
          ),
        ),
      );
    drawRows();
    const newPartner = h('input', { type: 'text', id: 'sharing-new-partner', placeholder: 'partner id', 'aria-label': 'partner id to name' });
    const newLevel = levelSelect('counts', 'level for the partner named');
    const add = () => {
      const other = newPartner.value.trim();
      if (other === '' || named.some((row) => row.other === other)) return;
      named.push({ other, select: levelSelect(newLevel.value as SharingLevel, `sharing level for ${other}`) });
      newPartner.value = '';
      drawRows();
    };
    const save = async () => {
      try {
        const saved = await api.setSharing(partnerId, { default: defaultSelect.value as SharingLevel, partners: Object.fromEntries(named.map((row) => [row.other, row.select.value as SharingLevel])) });
        render(saved, h('div', { class: 'muted', role: 'status', id: 'sharing-saved' }, 'Saved.'));
        onSaved();
      } catch (error) {
        status.replaceChildren(ui.error(errorMessage(error)));
      }
    };
    const status = h('div', null, message ?? false);
    replace(
      box,
      title,
      h('label', null, 'Shares with partners it does not name ', defaultSelect),
      h('p', { class: 'muted' }, 'hidden: nothing · counts: how many customers in common · overlaps: those customers · everything: all its customers and relationships'),
      table,
      h('div', null, newPartner, ' ', newLevel, ' ', h('button', { class: 'btn btn-small', type: 'button', id: 'sharing-add', on: { click: add } }, 'Name')),
      h('button', { class: 'btn', type: 'button', id: 'sharing-save', on: { click: () => void save() } }, 'Save sharing'),
      status,
    );
  };
  api.sharing(partnerId).then(
    (settings) => render(settings),
    (error: unknown) => replace(box, h('h3', { class: 'section-title' }, 'Sharing'), ui.error(errorMessage(error))),
  );
  return box;
}

const names = (list: Array<{ id: string; name: string }>) => h('ul', { class: 'import-list' }, ...list.map((c) => h('li', { dataset: { id: c.id } }, c.name)));

/** What the other partners share with this one, per partner: the count, and the customers where shared. */
export function accountMappingView(mapping: AccountMappingResponse): HTMLElement {
  if (mapping.partners.length === 0) return ui.empty('No partner shares anything with you yet.');
  return h(
    'div',
    { id: 'account-mapping' },
    ...mapping.partners.map((p) =>
      h(
        'details',
        { class: 'panel-section', dataset: { partner: p.partnerId } },
        h('summary', null, h('strong', null, p.name), ' ', h('span', { class: 'badge', title: `shares ${LEVEL_HELP[p.level]}` }, p.level), ' ', fmt.plural(p.overlapCount, 'customer'), ' in common'),
        h('p', { class: 'muted' }, `You share ${p.youShare} with ${p.name}.`),
        p.overlaps === undefined ? h('p', { class: 'muted' }, 'It shares only the count.') : h('div', null, h('h4', null, 'Customers in common'), names(p.overlaps)),
        p.customers === undefined ? false : h('div', null, h('h4', null, `All its customers (${p.customers.length})`), names(p.customers)),
        p.partners === undefined ? false : h('div', null, h('h4', null, `Its partners (${p.partners.length})`), names(p.partners)),
      ),
    ),
  );
}

/** The app for a partner key: its account mapping and its own sharing settings, instead of the vendor's map. */
export async function mountPartnerApp(parts: { overlay: HTMLElement; panel: HTMLElement; tabs: HTMLElement; status: HTMLElement }, partnerId: string): Promise<void> {
  replace(parts.tabs, h('button', { type: 'button', role: 'tab', id: 'tab-account-mapping', 'aria-selected': 'true' }, 'Account mapping'));
  parts.overlay.hidden = false;
  const mappingBox = h('div', { class: 'account-mapping-box' }, ui.loading('account mapping'));
  replace(parts.overlay, mappingBox);
  const load = async () => {
    try {
      const [partner, mapping] = await Promise.all([api.partner(partnerId), api.accountMapping(partnerId)]);
      replace(mappingBox, h('header', { class: 'panel-head' }, h('h2', null, `Account mapping · ${partner.name}`), h('div', { class: 'sub' }, 'What other partners share with you')), accountMappingView(mapping));
      replace(parts.status, `${fmt.plural(mapping.partners.length, 'partner')} share with ${partner.name}`);
    } catch (error) {
      replace(mappingBox, ui.error(errorMessage(error), () => void load()));
    }
  };
  replace(parts.panel, h('header', { class: 'panel-head' }, h('h2', null, 'Your sharing'), h('div', { class: 'sub' }, 'What you show each partner')), sharingSection(partnerId, true, () => void load()));
  await load();
}
