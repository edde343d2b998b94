/**
 * The Import view: drop CRM, PRM or marketplace exports (or the bundle's own
 * CSV files), pick a profile or let the headers pick it, read how each column
 * is mapped, preview the dry run (what would be created, updated, merged,
 * queued for review, rejected), then import with a progress bar and go to the
 * map. Render functions of the data, and a thin controller that calls the API.
 */
import { z } from 'zod';
import { ErrorResponse } from '../../../server/schemas/api.js';
import { ImportReportSchema, type ImportReport } from '../../../server/schemas/import.js';
import { apiFetch, errorMessage } from '../api/client.js';
import { storedKey } from '../api/key-prompt.js';
import { fmt, h, replace, ui } from '../dom.js';

const ProfileList = z.object({ profiles: z.array(z.object({ name: z.string(), label: z.string(), description: z.string() })) });
type Profile = z.infer<typeof ProfileList>['profiles'][number];

/** What the view shows after a dry run or an import; the server's 400 is a report too (its details). */
type Outcome = { kind: 'report'; report: ImportReport } | { kind: 'rejected'; message: string; details: ErrorResponse['details'] };

/**
 * POSTs the files as multipart with upload progress (fetch cannot report it).
 * Mapping files (.json) go first: the server reads a mapping before the files it maps.
 */
function upload(files: File[], query: URLSearchParams, onProgress: (share: number) => void): Promise<Outcome> {
  const form = new FormData();
  const ordered = [...files].sort((a, b) => Number(!a.name.endsWith('.json')) - Number(!b.name.endsWith('.json')));
  for (const file of ordered) form.append(file.name.endsWith('.json') ? 'mapping' : 'files', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/import?${query.toString()}`);
    // XMLHttpRequest, not apiFetch (which cannot report upload progress): the stored key is set by hand.
    const key = storedKey();
    if (key !== null) xhr.setRequestHeader('authorization', `Bearer ${key}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new Error('web/import: the server could not be reached'));
    xhr.onload = () => {
      try {
        const body: unknown = JSON.parse(xhr.responseText);
        if (xhr.status === 200) resolve({ kind: 'report', report: ImportReportSchema.parse(body) });
        else {
          const error = ErrorResponse.parse(body);
          resolve({ kind: 'rejected', message: error.message, details: error.details });
        }
      } catch (error) {
        reject(new Error(`web/import: unexpected answer (${xhr.status}): ${errorMessage(error)}`));
      }
    };
    xhr.send(form);
  });
}

const countList = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([section, n]) => `${fmt.int(n)} ${section}`)
    .join(', ') || 'nothing';

export function renderMapping(report: ImportReport): HTMLElement {
  return h(
    'section',
    { class: 'panel-section', id: 'import-mapping' },
    h('h3', { class: 'section-title' }, 'Column mapping'),
    report.mapped.length === 0
      ? ui.empty('The bundle\'s own files: columns are read by name.')
      : report.mapped.map((file) =>
          h(
            'div',
            { class: 'component', dataset: { file: file.file, profile: file.profile } },
            h('div', { class: 'component-head' }, h('strong', null, file.file), h('span', { class: 'muted' }, `${file.profile} · ${file.kind} · ${fmt.plural(file.rows, 'row')}`)),
            Object.entries(file.columns).map(([section, fields]) =>
              h(
                'table',
                { class: 'mapping-table', dataset: { section } },
                h('tbody', null, Object.entries(fields).map(([field, column]) => h('tr', { dataset: { field } }, h('td', null, `${section}.${field}`), h('td', null, '← ', column)))),
              ),
            ),
            file.ignored.length > 0 && h('p', { class: 'hint ignored-columns' }, `Ignored: ${file.ignored.join(', ')}`),
          ),
        ),
  );
}

function renderErrors(errors: Array<{ message: string; field: string; value?: string | undefined; file?: string | undefined; line?: number | undefined }>, total: number): HTMLElement {
  return h(
    'section',
    { class: 'panel-section', id: 'import-errors' },
    h('h3', { class: 'section-title' }, `Rejected: ${fmt.plural(total, 'error')}`),
    h(
      'ul',
      { class: 'import-list' },
      errors.slice(0, 50).map((e) => {
        // A report's errors carry the file apart; the 400's details already name it in the message.
        const where = e.file === undefined ? `${e.field}: ` : e.message.startsWith(e.file) ? '' : `${e.file} line ${e.line}: ${e.field}: `;
        return h('li', { class: 'import-error' }, `${where}${e.message}`, e.value !== undefined && h('code', null, ` ${e.value}`));
      }),
    ),
    total > 50 && h('p', { class: 'hint' }, `… and ${fmt.int(total - 50)} more`),
  );
}

export function renderOutcome(outcome: Outcome): HTMLElement[] {
  if (outcome.kind === 'rejected') {
    return [h('p', { class: 'state state-error', id: 'import-status', role: 'alert' }, outcome.message), renderErrors(outcome.details as never, outcome.details.length)];
  }
  const r = outcome.report;
  const verb = r.dryRun ? 'Would create' : 'Created';
  return [
    h(
      'section',
      { class: 'panel-section', id: 'import-summary', dataset: { dryRun: String(r.dryRun), errors: String(r.errorCount) } },
      h('h3', { class: 'section-title' }, r.dryRun ? 'Preview (nothing written yet)' : 'Imported'),
      h('p', { id: 'import-created' }, `${verb}: ${countList(r.plan.created)}`),
      h('p', { id: 'import-updated' }, `${r.dryRun ? 'Would update' : 'Updated'}: ${countList(r.plan.updated)}`),
      r.merges.length > 0 &&
        h('div', { id: 'import-merges' }, h('strong', null, 'Merges'), h('ul', { class: 'import-list' }, r.merges.map((m) => h('li', { dataset: { kept: m.id } }, `${m.merged.join(', ')} → ${m.id} (${m.evidence})`)))),
      r.review.length > 0 &&
        h('div', { id: 'import-review' }, h('strong', null, 'To review (kept apart until accepted)'), h('ul', { class: 'import-list' }, r.review.map((i) => h('li', null, `${i.incomingName} (${i.incoming}) may be ${i.candidate}: ${i.evidence}`)))),
      r.warnings.length > 0 && h('div', { id: 'import-warnings' }, h('strong', null, 'Warnings'), h('ul', { class: 'import-list' }, r.warnings.slice(0, 20).map((w) => h('li', { class: 'hint' }, w)))),
    ),
    r.errorCount > 0 ? renderErrors(r.errors, r.errorCount) : null,
    renderMapping(r),
  ].filter((el): el is HTMLElement => el !== null);
}

/** The controller: holds the chosen files and the last outcome, calls the API, re-renders. */
export class ImportPanel {
  private files: File[] = [];
  private profiles: Profile[] = [];
  private profile = '';
  private outcome: Outcome | undefined;
  private busy: string | undefined;
  private progress = 0;
  private failure: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    /** Called once an import committed: show what changed (the map reloads, or the page does). */
    private readonly onImported: (report: ImportReport) => void,
  ) {}

  render(): void {
    if (this.profiles.length === 0) {
      void apiFetch('/api/import/profiles')
        .then(async (r) => ProfileList.parse(await r.json()).profiles)
        .then((profiles) => {
          this.profiles = profiles;
          this.render();
        })
        .catch(() => undefined); // the list only names the profiles; detection works without it
    }
    const preview = this.outcome?.kind === 'report' && this.outcome.report.dryRun ? this.outcome.report : undefined;
    replace(
      this.root,
      h('header', { class: 'panel-head' }, h('h2', null, 'Import'), h('div', { class: 'sub' }, 'CRM, PRM and marketplace exports, or the bundle\'s CSV files')),
      h(
        'section',
        { class: 'panel-section' },
        h(
          'label',
          {
            class: 'drop-zone',
            id: 'import-drop',
            on: {
              dragover: (e: DragEvent) => e.preventDefault(),
              drop: (e: DragEvent) => {
                e.preventDefault();
                this.choose([...(e.dataTransfer?.files ?? [])]);
              },
            },
          },
          h('strong', null, this.files.length === 0 ? 'Drop CSV files here, or click to choose' : this.files.map((f) => f.name).join(', ')),
          h('span', { class: 'hint' }, 'A .json file among them is a mapping file for exports no profile knows.'),
          h('input', { type: 'file', id: 'import-files', multiple: true, accept: '.csv,.json,text/csv', on: { change: (e: Event) => this.choose([...((e.target as HTMLInputElement).files ?? [])]) } }),
        ),
        h(
          'label',
          { class: 'field' },
          'Profile ',
          h(
            'select',
            { id: 'import-profile', on: { change: (e: Event) => ((this.profile = (e.target as HTMLSelectElement).value), (this.outcome = undefined), this.render()) } },
            h('option', { value: '' }, 'Detect from the headers'),
            this.profiles.map((p) => h('option', { value: p.name, selected: p.name === this.profile, title: p.description }, p.label)),
          ),
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'btn', type: 'button', id: 'import-preview', disabled: this.files.length === 0 || this.busy !== undefined, on: { click: () => void this.run(true) } }, 'Preview'),
          h(
            'button',
            { class: 'btn btn-primary', type: 'button', id: 'import-commit', disabled: preview === undefined || preview.errorCount > 0 || this.busy !== undefined, on: { click: () => void this.run(false) } },
            'Import',
          ),
        ),
        this.busy !== undefined && h('div', { id: 'import-busy' }, h('progress', { id: 'import-progress', max: 1, value: this.progress }), h('span', { class: 'muted' }, this.busy)),
        this.failure !== undefined && ui.error(this.failure),
      ),
      this.outcome === undefined ? null : renderOutcome(this.outcome),
      this.outcome?.kind === 'report' && !this.outcome.report.dryRun
        ? h('button', { class: 'btn', type: 'button', id: 'import-show-map', on: { click: () => this.onImported((this.outcome as { report: ImportReport }).report) } }, 'See it on the map')
        : null,
    );
  }

  private choose(files: File[]): void {
    this.files = files;
    this.outcome = undefined;
    this.failure = undefined;
    this.render();
  }

  private async run(dryRun: boolean): Promise<void> {
    const query = new URLSearchParams(dryRun ? { dryRun: 'true' } : {});
    if (this.profile !== '') query.set('profile', this.profile);
    this.busy = dryRun ? 'Checking…' : 'Uploading…';
    this.progress = 0;
    this.failure = undefined;
    this.render();
    const progress = this.root.querySelector<HTMLProgressElement>('#import-progress');
    try {
      this.outcome = await upload(this.files, query, (share) => {
        // Uploaded: the server now checks and writes; the bar shows the upload, then the writing.
        if (progress !== null) progress.value = share;
        if (share === 1) this.root.querySelector('#import-busy .muted')!.textContent = dryRun ? 'Checking…' : 'Writing…';
      });
    } catch (error) {
      this.failure = errorMessage(error);
    } finally {
      this.busy = undefined;
    }
    this.render();
  }
}
