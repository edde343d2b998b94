/**
 * The Import view: drop CRM, PRM or marketplace exports (or the bundle's own
 * CSV files), pick a profile or let the headers pick it, read how each column
 * is mapped and change it (another column for a field, an ignored column for
 * a field: sent as a mapping file), preview the dry run (what would be
 * created, updated, merged, queued for review, rejected), then import with a
 * progress bar and go to the map. Render functions of the data, and a thin
 * controller that calls the API.
 */
import { z } from 'zod';
import { ErrorResponse } from '../../../server/schemas/api.js';
import { Customer, Deal, Partner } from '../../../server/schemas/model.js';
import { ImportReportSchema, type ImportReport } from '../../../server/schemas/import.js';
import { apiFetch, errorMessage } from '../api/client.js';
import { storedKey } from '../api/key-prompt.js';
import { fmt, h, replace, ui } from '../dom.js';

const ProfileList = z.object({ profiles: z.array(z.object({ name: z.string(), label: z.string(), description: z.string() })) });
type Profile = z.infer<typeof ProfileList>['profiles'][number];

/**
 * A mapping profile as the server gives it (GET /api/import/profiles/:name) or a dropped mapping file holds it:
 * only the parts an edit touches are read, the rest (rules, value maps, countries) goes back as it came.
 */
const EditableProfile = z.looseObject({
  name: z.string(),
  files: z.array(z.looseObject({ name: z.string(), sections: z.record(z.string(), z.record(z.string(), z.unknown())) })),
});
type EditableProfile = z.infer<typeof EditableProfile>;

/** One change to the mapping: which column feeds a field of a file kind's section (null: no column). */
interface MappingEdit {
  kind: string;
  section: string;
  field: string;
  column: string | null;
}
const editKey = (e: Omit<MappingEdit, 'column'>) => `${e.kind}\u0000${e.section}\u0000${e.field}`;

/** The fields a column can be given to, per section: the model's own (what an import can store). */
const MODEL_FIELDS: Record<string, string[]> = Object.fromEntries(
  ([['partners', Partner], ['customers', Customer], ['deals', Deal]] as const).map(([section, schema]) => [section, Object.keys(schema.shape).filter((f) => !['sources', 'aliases', 'lifecycleHistory'].includes(f))]),
);

/**
 * The profile with the edits applied: a field's rule keeps its other parts (split, value maps, prefix) and reads the
 * chosen column; a field given no column is dropped.
 */
export function editedProfile(base: EditableProfile, edits: MappingEdit[]): EditableProfile {
  const profile = structuredClone(base);
  for (const e of edits) {
    const fields = profile.files.find((f) => f.name === e.kind)?.sections[e.section];
    if (fields === undefined) continue;
    const source = fields[e.field];
    if (e.column === null) delete fields[e.field];
    else fields[e.field] = typeof source === 'object' && source !== null && !Array.isArray(source) ? { ...source, column: e.column } : e.column;
  }
  return profile;
}

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

/** How the mapping can be changed: the edits so far and where a change goes; absent when it cannot (files of several profiles). */
export interface MappingEditor {
  edits: Map<string, MappingEdit>;
  change(edit: MappingEdit): void;
}

const columnSelect = (options: string[], selected: string, none: string, onChange: (value: string) => void, attributes: Record<string, unknown>) =>
  h(
    'select',
    { ...attributes, on: { change: (e: Event) => onChange((e.target as HTMLSelectElement).value) } },
    options.map((o) => h('option', { value: o, selected: o === selected }, o === '' ? none : o)),
  );

export function renderMapping(report: ImportReport, editor?: MappingEditor): HTMLElement {
  return h(
    'section',
    { class: 'panel-section', id: 'import-mapping' },
    h('h3', { class: 'section-title' }, 'Column mapping'),
    report.mapped.length === 0
      ? ui.empty('The bundle\'s own files: columns are read by name.')
      : [
          editor === undefined
            ? h('p', { class: 'hint' }, 'These files were read by several profiles: choose one profile to change the mapping.')
            : h('p', { class: 'hint' }, 'Change which column feeds a field, or give an ignored column to a field, then preview again.'),
          report.mapped.map((file) => {
            // Every header of the file: those read (a field may read the first non-empty of several) and those ignored.
            const headers = [...new Set([...Object.values(file.columns).flatMap((fields) => Object.values(fields).flatMap((c) => c.split(' | '))), ...file.ignored])];
            const edited = (section: string, field: string) => editor?.edits.get(editKey({ kind: file.kind, section, field }));
            const columnOf = (section: string, field: string) => {
              const e = edited(section, field);
              return e !== undefined ? (e.column ?? '') : (file.columns[section]?.[field] ?? '');
            };
            const assigned = new Set(Object.keys(file.columns).flatMap((section) => [...new Set([...Object.keys(file.columns[section]!), ...(MODEL_FIELDS[section] ?? [])])].map((field) => columnOf(section, field))));
            return h(
              'div',
              { class: 'component', dataset: { file: file.file, profile: file.profile } },
              h('div', { class: 'component-head' }, h('strong', null, file.file), h('span', { class: 'muted' }, `${file.profile} · ${file.kind} · ${fmt.plural(file.rows, 'row')}`)),
              Object.entries(file.columns).map(([section, fields]) =>
                h(
                  'table',
                  { class: 'mapping-table', dataset: { section } },
                  h(
                    'tbody',
                    null,
                    [...new Set([...Object.keys(fields), ...(MODEL_FIELDS[section] ?? [])])].map((field) => {
                      const column = columnOf(section, field);
                      return h(
                        'tr',
                        { dataset: { field, edited: String(edited(section, field) !== undefined) } },
                        h('td', null, `${section}.${field}`),
                        h(
                          'td',
                          null,
                          '← ',
                          editor === undefined
                            ? column
                            : columnSelect([...new Set(['', column, ...headers])], column, '— no column —', (value) => editor.change({ kind: file.kind, section, field, column: value === '' ? null : value }), {
                                class: 'mapping-column',
                                'aria-label': `column for ${section}.${field}`,
                              }),
                        ),
                      );
                    }),
                  ),
                ),
              ),
              file.ignored.length > 0 && h('p', { class: 'hint ignored-columns' }, `Ignored: ${file.ignored.join(', ')}`),
              editor !== undefined &&
                h(
                  'ul',
                  { class: 'import-list ignored-assign' },
                  file.ignored
                    .filter((column) => !assigned.has(column))
                    .map((column) =>
                      h(
                        'li',
                        { dataset: { column } },
                        `${column} → `,
                        columnSelect(
                          ['', ...Object.keys(file.columns).flatMap((section) => [...new Set([...Object.keys(file.columns[section]!), ...(MODEL_FIELDS[section] ?? [])])].map((field) => `${section}.${field}`))],
                          '',
                          'ignored',
                          (target) => {
                            const [section, field] = target.split('.') as [string, string];
                            if (target !== '') editor.change({ kind: file.kind, section, field, column });
                          },
                          { class: 'assign-ignored', 'aria-label': `field for ${column}` },
                        ),
                      ),
                    ),
                ),
            );
          }),
        ],
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

export function renderOutcome(outcome: Outcome, editor?: MappingEditor): HTMLElement[] {
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
        h('div', { id: 'import-review' }, h('strong', null, 'To review (kept apart until accepted)'), h('ul', { class: 'import-list' }, r.review.map((i) => h('li', { dataset: { score: String(i.score ?? '') } }, `${i.incomingName} (${i.incoming}) may be ${i.candidateName === undefined ? '' : `${i.candidateName} `}(${i.candidate}): ${i.evidence}`)))),
      r.warnings.length > 0 && h('div', { id: 'import-warnings' }, h('strong', null, 'Warnings'), h('ul', { class: 'import-list' }, r.warnings.slice(0, 20).map((w) => h('li', { class: 'hint' }, w)))),
    ),
    r.errorCount > 0 ? renderErrors(r.errors, r.errorCount) : null,
    renderMapping(r, editor),
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
  /** Changes to the mapping the last report showed, sent as a mapping file with the next preview and import. */
  private readonly edits = new Map<string, MappingEdit>();
  /** The edits the last preview was made with: an import needs a preview of what it will do. */
  private previewed = '';

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
    const preview = this.outcome?.kind === 'report' && this.outcome.report.dryRun && this.previewed === this.editSignature() ? this.outcome.report : undefined;
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
            { id: 'import-profile', on: { change: (e: Event) => ((this.profile = (e.target as HTMLSelectElement).value), (this.outcome = undefined), this.edits.clear(), this.render()) } },
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
        this.edits.size > 0 &&
          h('p', { class: 'hint', id: 'import-edited' }, `${fmt.plural(this.edits.size, 'change')} to the mapping${this.previewed === this.editSignature() ? '' : ': preview again to see what it does'}`),
        this.busy !== undefined && h('div', { id: 'import-busy' }, h('progress', { id: 'import-progress', max: 1, value: this.progress }), h('span', { class: 'muted' }, this.busy)),
        this.failure !== undefined && ui.error(this.failure),
      ),
      this.outcome === undefined ? null : renderOutcome(this.outcome, this.editor()),
      this.outcome?.kind === 'report' && !this.outcome.report.dryRun
        ? h('button', { class: 'btn', type: 'button', id: 'import-show-map', on: { click: () => this.onImported((this.outcome as { report: ImportReport }).report) } }, 'See it on the map')
        : null,
    );
  }

  private choose(files: File[]): void {
    this.files = files;
    this.outcome = undefined;
    this.failure = undefined;
    this.edits.clear();
    this.previewed = '';
    this.render();
  }

  private editSignature(): string {
    return JSON.stringify([...this.edits.values()]);
  }

  /** Editing needs one profile to edit: the files of the last report were all read by the same one. */
  private editor(): MappingEditor | undefined {
    const mapped = this.outcome?.kind === 'report' ? this.outcome.report.mapped : [];
    if (mapped.length === 0 || new Set(mapped.map((f) => f.profile)).size > 1) return undefined;
    return {
      edits: this.edits,
      change: (edit) => {
        const original = mapped.find((f) => f.kind === edit.kind)?.columns[edit.section]?.[edit.field] ?? null;
        if (edit.column === original) this.edits.delete(editKey(edit));
        else this.edits.set(editKey(edit), edit);
        this.render();
      },
    };
  }

  /** The files to send: with edits, the edited profile as the mapping file, in place of any dropped one. */
  private async filesToSend(): Promise<File[]> {
    if (this.edits.size === 0) return this.files;
    const dropped = this.files.find((f) => f.name.endsWith('.json'));
    const name = this.outcome?.kind === 'report' ? this.outcome.report.mapped[0]?.profile : undefined;
    const base = EditableProfile.parse(
      dropped !== undefined ? JSON.parse(await dropped.text()) : await (await apiFetch(`/api/import/profiles/${encodeURIComponent(name ?? '')}`)).json(),
    );
    const mapping = new File([JSON.stringify(editedProfile(base, [...this.edits.values()]))], 'mapping.json', { type: 'application/json' });
    return [mapping, ...this.files.filter((f) => !f.name.endsWith('.json'))];
  }

  private async run(dryRun: boolean): Promise<void> {
    const query = new URLSearchParams(dryRun ? { dryRun: 'true' } : {});
    if (this.profile !== '') query.set('profile', this.profile);
    this.busy = dryRun ? 'Checking…' : 'Uploading…';
    this.progress = 0;
    this.failure = undefined;
    this.render();
    const progress = this.root.querySelector<HTMLProgressElement>('#import-progress');
    const signature = this.editSignature();
    try {
      this.outcome = await upload(await this.filesToSend(), query, (share) => {
        // Uploaded: the server now checks and writes; the bar shows the upload, then the writing.
        if (progress !== null) progress.value = share;
        if (share === 1) this.root.querySelector('#import-busy .muted')!.textContent = dryRun ? 'Checking…' : 'Writing…';
      });
      if (dryRun) this.previewed = signature;
    } catch (error) {
      this.failure = errorMessage(error);
    } finally {
      this.busy = undefined;
    }
    this.render();
  }
}
