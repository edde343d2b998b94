/**
 * Every API write goes through the importer, so that a single partner posted
 * to /api/partners is checked, identity-resolved and referenced exactly like
 * a row of a bundle.
 */
import type { BundleSection } from '../schemas/bundle.js';
import type { FastifyInstance } from 'fastify';
import { importBundle, type ImportReport } from '../import/import-bundle.js';
import { InvalidInputError, rowErrorsAsDetails } from './errors.js';

export async function writeRows(app: FastifyInstance, section: BundleSection, rows: unknown[]): Promise<ImportReport> {
  // With priority over reads' computations (see ProjectionService.writing).
  const report = await app.projection.writing(() => importBundle(app.store, { version: 1, [section]: rows }, { onCommitted: (written, version) => app.projection.applyCommitted(written, version) }));
  if (!report.committed) {
    const details = rowErrorsAsDetails(report.errors).map((d) => ({ ...d, field: `body.${String(d.field).replace(/^\w+\[\d+\]\./, '')}` }));
    throw new InvalidInputError(details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return report;
}
