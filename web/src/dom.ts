/**
 * A few lines of DOM building instead of a UI framework: panels are small and
 * re-render wholesale. Text always goes through textContent, so data from the
 * API can never inject markup.
 */
type Child = Node | string | number | null | undefined | false;
type Children = Child | Children[];
type Props = {
  class?: string;
  title?: string;
  style?: string;
  dataset?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [attr: string]: unknown;
};

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Children[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props !== null) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'style') el.setAttribute('style', String(value));
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'on') {
        for (const [event, handler] of Object.entries(value as Record<string, EventListener>)) el.addEventListener(event, handler);
      } else if (key in el && typeof value !== 'string') (el as unknown as Record<string, unknown>)[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Children[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(el, child);
    else if (child === null || child === undefined || child === false) continue;
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`web/dom: #${id} is missing from index.html`);
  return el as T;
}

export function replace(el: HTMLElement, ...children: Children[]): void {
  el.replaceChildren();
  append(el, children);
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  num: (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
  pct: (n: number) => `${Math.round(n * 100)}%`,
  /** Small centralities (PageRank ≈ 0.001) read better in scientific-ish form. */
  metric: (n: number) => (n === 0 ? '0' : Math.abs(n) < 0.01 ? n.toExponential(2) : n.toFixed(3)),
  plural: (n: number, one: string, many = `${one}s`) => `${fmt.int(n)} ${n === 1 ? one : many}`,
};

/** Spinner, error and empty states look the same in every panel. */
export const ui = {
  loading: (what: string) => h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner' }), `Loading ${what}…`),
  error: (message: string, retry?: () => void) =>
    h(
      'div',
      { class: 'state state-error', role: 'alert' },
      h('strong', null, 'Something went wrong'),
      h('span', { class: 'error-message' }, message),
      retry && h('button', { class: 'btn btn-small', type: 'button', on: { click: retry } }, 'Retry'),
    ),
  empty: (message: string) => h('div', { class: 'state state-empty' }, message),
};
