import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorResponse } from '../schemas/api.js';
import { BUNDLE_SECTIONS, Bundle } from '../schemas/bundle.js';
import { importBundle } from '../import/import-bundle.js';
import { parseCsvBundle } from '../import/csv.js';
import { bundleJson } from '../import/export-json.js';
import { bundleCsvZip, csvFilesFromZip } from '../import/zip.js';
import { InvalidInputError, rowErrorsAsDetails } from './errors.js';

export const IMPORT_BODY_LIMIT = 1024 * 1024 * 1024;

const ImportQuery = z.object({
  mode: z.enum(['all-or-nothing', 'partial']).default('all-or-nothing'),
});

const ExportQuery = z.object({
  format: z.enum(['json', 'zip']).default('json').describe("json: the bundle as one JSON document; zip: the bundle's CSV files in a zip archive (a download)"),
});

/** What an imported zip may hold: the bundle's files, and no more than the import body itself may. */
const ZIP_LIMITS = { maxFiles: 16, maxBytes: IMPORT_BODY_LIMIT };

const sectionCounts = z.object(Object.fromEntries(Object.keys(BUNDLE_SECTIONS).map((k) => [k, z.number()])) as Record<keyof typeof BUNDLE_SECTIONS, z.ZodNumber>);

export const ImportReportSchema = z.object({
  mode: z.enum(['all-or-nothing', 'partial']),
  committed: z.boolean(),
  written: sectionCounts,
  merges: z.array(z.object({ kind: z.enum(['partner', 'customer']), id: z.string(), merged: z.array(z.string()), key: z.string() })),
  errors: z.array(z.object({ section: z.string(), index: z.number(), id: z.string().optional(), field: z.string(), message: z.string() })),
  version: z.number(),
});

export async function importExportRoutes(app: FastifyInstance) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['import and export'];

  api.post(
    '/api/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Import an ecosystem bundle (JSON), or its CSV files (multipart/form-data, one file per entity, or a zip of them as GET /api/export?format=zip writes it)',
        description:
          'Every row is checked. By default nothing is written when any row is bad (400, every bad row in details). With mode=partial the good rows are written and the bad ones reported. Partners and customers are identity-resolved by normalised domain, or by name when they have no domain.',
        querystring: ImportQuery,
        response: { 200: ImportReportSchema, 400: ErrorResponse },
      },
    },
    async (request) => {
      let input: unknown = request.body;
      if (request.isMultipart()) {
        const files: Record<string, string> = {};
        try {
          for await (const part of request.files()) {
            const content = await part.toBuffer();
            if (part.filename.toLowerCase().endsWith('.zip')) Object.assign(files, await csvFilesFromZip(content, ZIP_LIMITS));
            else files[part.filename] = content.toString('utf8');
          }
        } catch (error) {
          // The multipart plugin's own limits (413) keep their status; a body that is not valid multipart is the client's.
          const status = (error as { statusCode?: number }).statusCode;
          if (status !== undefined && status >= 400 && status < 500) throw error;
          throw new InvalidInputError(`body: not a valid multipart body or zip archive: ${(error as Error).message}`, [{ field: 'body', message: (error as Error).message }]);
        }
        try {
          input = parseCsvBundle(files);
        } catch (error) {
          throw new InvalidInputError((error as Error).message, [{ field: 'body', message: (error as Error).message }]);
        }
      }
      const report = await importBundle(app.store, input, { mode: request.query.mode, onCommitted: (written, version) => app.projection.applyCommitted(written, version) });
      if (!report.committed) {
        throw new InvalidInputError(`${report.errors.length} bad row(s); nothing was written (use mode=partial to write the good rows)`, rowErrorsAsDetails(report.errors));
      }
      return report;
    },
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
      if (request.query.format === 'zip') {
        return response.header('content-type', 'application/zip').header('content-disposition', 'attachment; filename="ecograph-bundle.zip"').send(bundleCsvZip(app.store) as never);
      }
      return response.header('content-type', 'application/json; charset=utf-8').send(Readable.from(bundleJson(app.store)) as never);
    },
  );
}
