import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../schemas/api.js';
import { Bundle } from '../schemas/bundle.js';
import { ImportReportSchema } from '../schemas/import.js';
import { importBundle } from '../import/import-bundle.js';
import { BUILT_IN_PROFILES, builtInProfile, mappingFromJson, MappingProfile } from '../import/mapping.js';
import { readCsvInput, type ImportInput } from '../import/read-input.js';
import { readJsonBundle } from '../import/json-stream.js';
import { csvFilesFromZip } from '../import/zip.js';
import { InvalidInputError, rowErrorsAsDetails } from './errors.js';

export const IMPORT_BODY_LIMIT = 1024 * 1024 * 1024;

const MappingProfileSummary = z.object({ name: z.string(), label: z.string(), description: z.string(), files: z.array(z.object({ name: z.string(), detect: z.array(z.string()) })) });

const PROFILE_NAMES = [...BUILT_IN_PROFILES.keys()] as [string, ...string[]];

const ImportQuery = z.object({
  mode: z.enum(['all-or-nothing', 'partial']).default('all-or-nothing'),
  dryRun: z.enum(['true', 'false']).default('false').describe('true: check, resolve and report what the import would do, and write nothing'),
  profile: z.enum(PROFILE_NAMES).optional().describe('the mapping profile of CSV files from another system; detected from their headers when absent'),
});

const ExportQuery = z.object({
  format: z.enum(['json', 'zip']).default('json').describe("json: the bundle as one JSON document; zip: the bundle's CSV files in a zip archive (a download)"),
});

/** What an imported zip may hold: the bundle's files, and no more than the import body itself may. */
const ZIP_LIMITS = { maxFiles: 16, maxBytes: IMPORT_BODY_LIMIT };

/** Reads a multipart import as it arrives: CSV files streamed (see readCsvInput), a .json part is a mapping file, a .zip part holds CSV files. */
async function multipartInput(files: AsyncIterable<{ filename: string; file: Readable; toBuffer(): Promise<Buffer> }>, profile: string | undefined): Promise<ImportInput> {
  // Filled before the first CSV file is mapped: a mapping part must come before the files it maps.
  const profiles: MappingProfile[] = profile === undefined ? [...BUILT_IN_PROFILES.values()] : [builtInProfile(profile)];
  async function* csvParts() {
    for await (const part of files) {
      const name = part.filename.toLowerCase();
      if (name.endsWith('.json')) profiles.splice(0, profiles.length, mappingFromJson((await part.toBuffer()).toString('utf8'), part.filename));
      // A zip of CSV files (as GET /api/export?format=zip writes it): each file in it, as if uploaded alone.
      else if (name.endsWith('.zip')) for (const [inner, content] of Object.entries(await csvFilesFromZip(await part.toBuffer(), ZIP_LIMITS))) yield { name: inner, content };
      else yield { name: part.filename, content: part.file };
    }
  }
  return readCsvInput(csvParts(), profiles);
}

export async function importExportRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['import and export'];
  // A bundle JSON is read as it streams in (readJsonBundle), never parsed whole: this plugin's routes get the body unread.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', (_request, payload, done) => done(null, payload));

  api.post(
    '/api/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import an ecosystem bundle (JSON), or CSV files (multipart/form-data): the bundle\'s own (one file per entity, or a zip of them as GET /api/export?format=zip writes it), or another system\'s exports through a mapping profile',
        description:
          'Every row is checked. By default nothing is written when any row is bad (400; the first 1,000 errors in details, each with its file, 1-based line, field and bad value, and counts per field and reason). With mode=partial the good rows are written and the bad ones reported. dryRun=true writes nothing and answers 200 with what the import would create, update, merge, queue for review and reject. Partners and customers are identity-resolved by normalised domain; a name match without a domain is queued for review, not merged. CSV files from Salesforce, HubSpot, a PRM or a cloud marketplace are mapped by `profile`, or by the profile their headers match; a `.json` part (before the CSV parts) is a mapping file. A bundle JSON is read as it streams in, row by row: malformed, truncated or empty JSON answers 400, a body over 1 GB 413.',
        querystring: ImportQuery,
        response: { 200: ImportReportSchema, 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => {
      let input: ImportInput = { bundle: request.body, warnings: [], mapped: [] };
      let unchecked = 0;
      if (request.body instanceof Readable) {
        const read = await readJsonBundle(request.body, IMPORT_BODY_LIMIT);
        input = { bundle: read.bundle, warnings: [], mapped: [] };
        unchecked = read.unchecked;
      } else if (request.isMultipart()) {
        try {
          input = await multipartInput(request.files(), request.query.profile);
        } catch (error) {
          // The multipart plugin's own limits (413) keep their status; anything else about the files is the client's.
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== undefined && status >= 400 && status < 500) throw error;
          throw new InvalidInputError(`body: ${(error as Error).message}`, [{ field: 'body', message: (error as Error).message }]);
        }
        if (Object.values(input.origins ?? {}).every((rows) => rows.length === 0)) {
          const message = 'the files hold no rows (blank rows and rows of empty cells are skipped): nothing to import';
          throw new InvalidInputError(`body: ${message}`, [{ field: 'body', message }]);
        }
      }
      const dryRun = request.query.dryRun === 'true';
      const importing = () =>
        importBundle(app.store, input.bundle, {
          mode: request.query.mode,
          dryRun,
          warnings: input.warnings,
          unchecked,
          ...(input.origins === undefined ? {} : { origins: input.origins }),
          onCommitted: (written, version) => app.projection.applyCommitted(written, version),
        });
      // One small enough to be applied in place runs as the record writes do, so that no read sees its version
      // before it is queued (seen on Neo4j); a large one would hold every read's computation for its whole length.
      const report = await (app.projection.appliesInPlace(input.bundle) ? app.projection.writing(importing) : importing());
      if (!report.committed && !dryRun) {
        const counts = report.errorCounts.slice(0, 10).map((c) => `${c.count} × ${c.section}.${c.field}: ${c.reason}`);
        throw new InvalidInputError(
          `${report.errorCount} error(s)${report.errorCount > report.errors.length ? ` (the first ${report.errors.length} listed)` : ''}${report.unchecked > 0 ? `; checking stopped there, ${report.unchecked} row(s) not checked` : ''}; nothing was written (use mode=partial to write the good rows). ${counts.join('; ')}`,
          rowErrorsAsDetails(report.errors),
        );
      }
      return { ...report, mapped: input.mapped };
    },
  );

  api.get(
    '/api/import/profiles',
    {
      schema: {
        tags,
        summary: 'The built-in mapping profiles: their files, the headers that recognise each, and which column feeds which field',
        response: { 200: z.object({ profiles: z.array(MappingProfileSummary) }) },
      },
    },
    async () => ({ profiles: [...BUILT_IN_PROFILES.values()].map((p) => ({ name: p.name, label: p.label, description: p.description ?? '', files: p.files.map((f) => ({ name: f.name, detect: f.detect })) })) }),
  );

  api.get(
    '/api/import/profiles/:name',
    {
      schema: {
        tags,
        summary: 'One built-in mapping profile whole (files, fields and their rules, value maps, countries): what the Import page edits into a mapping file',
        params: z.object({ name: z.enum(PROFILE_NAMES) }),
        response: { 200: MappingProfile, 400: ErrorResponse },
      },
    },
    async (request) => builtInProfile(request.params.name),
  );

  api.get(
    '/api/export',
    {
      schema: {
        tags,
        summary: 'The whole store as an ecosystem bundle (v1), as JSON or as a zip of its CSV files; re-importing it into an empty store gives an identical store',
        querystring: ExportQuery,
        response: { 200: Bundle, 400: ErrorResponse },
      },
    },
    async (request, response) => {
      // Streamed as the store is read (a stream bypasses the schema's serializer, hence the casts): the
      // schema documents the body, which is not checked row by row on the way out: it can hold millions of rows.
      // The file kept for the store's current version is sent when there is one (see import/export-cache.ts).
      if (request.query.format === 'zip') {
        return response.header('content-type', 'application/zip').header('content-disposition', 'attachment; filename="ecograph-bundle.zip"').send((await app.exportCache.stream('zip')) as never);
      }
      return response.header('content-type', 'application/json; charset=utf-8').send((await app.exportCache.stream('json')) as never);
    },
  );
}
