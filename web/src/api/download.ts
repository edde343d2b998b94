/**
 * Downloads of results: the same request as the panel's, answered as CSV
 * (`format=csv`), saved under the file name the server gives. Fetched rather
 * than linked, so a request with a body (the deal team) downloads the same way.
 */
import { h } from '../dom.js';
import { ApiError, apiFetch, errorMessage } from './client.js';

export interface Download {
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Saves a blob as a file through a temporary link: what browsers offer for files made by a page. */
export function saveBlob(blob: Blob, file: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: file, style: 'display:none' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function downloadCsv({ path, query = {}, body }: Download): Promise<void> {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const response = await apiFetch(`${path}?${params}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? { accept: 'text/csv' } : { accept: 'text/csv', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const payload = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
    throw new ApiError(payload?.message ?? `${path} answered ${response.status}`, response.status, path);
  }
  const file = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'ecograph.csv';
  saveBlob(await response.blob(), file);
}

/** A "Download CSV" button for what `request()` describes at the time of the click. */
export function csvButton(request: () => Download, id?: string): HTMLButtonElement {
  const button: HTMLButtonElement = h('button', {
    class: 'btn btn-small',
    type: 'button',
    id,
    title: 'Download these results as a CSV file',
    on: {
      click: () => {
        button.disabled = true;
        downloadCsv(request())
          .catch((error: unknown) => alert(`Download failed: ${errorMessage(error)}`))
          .finally(() => (button.disabled = false));
      },
    },
  }, 'Download CSV');
  return button;
}
