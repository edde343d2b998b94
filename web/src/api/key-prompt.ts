/**
 * The API key, when the server requires one: kept in localStorage (per
 * origin, so no other site's page can read it) and asked for in a small modal
 * dialog when the server answers 401. Requests that fail together share one
 * dialog.
 */
import { h } from '../dom.js';

const STORAGE_KEY = 'ecograph.apiKey';

export function storedKey(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

let asking: Promise<string | null> | null = null;

/** Asks for a key, saying why the last one (or none) was refused; null when the user cancels. */
export function askForKey(reason: string): Promise<string | null> {
  asking ??= showDialog(reason).finally(() => {
    asking = null;
  });
  return asking;
}

function showDialog(reason: string): Promise<string | null> {
  return new Promise((resolve) => {
    const input = h('input', { id: 'key-input', type: 'password', autocomplete: 'off', spellcheck: 'false', placeholder: 'eco_…', required: true, style: 'width: 100%' });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', { style: 'margin-top: 0' }, 'API key needed'),
      h('p', { id: 'key-reason', class: 'muted' }, reason),
      h('p', null, 'This Ecograph server asks for an API key. Ask its admin for one (npm run keys -- create --role viewer --name you); it is kept in this browser.'),
      input,
      h('div', { style: 'display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px' }, h('button', { type: 'button', id: 'key-cancel', value: 'cancel' }, 'Cancel'), h('button', { type: 'submit', id: 'key-submit', value: 'ok' }, 'Use this key')),
    );
    const dialog = h('dialog', { id: 'key-dialog', style: 'max-width: 420px; background: var(--surface); color: var(--text); border: 1px solid var(--border-strong); border-radius: var(--radius)' }, form);
    const finish = (key: string | null) => {
      dialog.close();
      dialog.remove();
      resolve(key);
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (key === '') return;
      try {
        localStorage.setItem(STORAGE_KEY, key);
      } catch {
        // Private windows may refuse storage: the key still serves this page.
      }
      finish(key);
    });
    dialog.querySelector('#key-cancel')!.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', () => finish(null));
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
