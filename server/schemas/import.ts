/** The import report: what an import (or its dry run) wrote, merged, queued for review and rejected. */
import { z } from 'zod';
import { BUNDLE_SECTIONS } from './bundle.js';
import { ReviewItem } from './identity.js';

const sectionCounts = z.object(Object.fromEntries(Object.keys(BUNDLE_SECTIONS).map((k) => [k, z.number()])) as Record<keyof typeof BUNDLE_SECTIONS, z.ZodNumber>);
const partialCounts = z.record(z.string(), z.number());

export const ImportReportSchema = z.object({
  mode: z.enum(['all-or-nothing', 'partial']),
  committed: z.boolean(),
  dryRun: z.boolean(),
  written: sectionCounts,
  plan: z.object({ created: partialCounts, updated: partialCounts }).describe('what the import creates and updates (a dry run: would)'),
  merges: z.array(z.object({ kind: z.enum(['partner', 'customer']), id: z.string(), merged: z.array(z.string()), key: z.string(), evidence: z.string() })),
  review: z.array(ReviewItem).describe('uncertain matches queued for a person (GET /api/identity/review), not merged'),
  errors: z.array(
    z.object({ section: z.string(), index: z.number(), id: z.string().optional(), field: z.string(), message: z.string(), value: z.string().optional(), file: z.string().optional(), line: z.number().optional() }),
  ),
  errorCount: z.number(),
  unchecked: z.number().describe('rows not checked, nor written, because 10,000 errors were found first'),
  errorCounts: z.array(z.object({ section: z.string(), field: z.string(), reason: z.string(), count: z.number() })),
  warnings: z.array(z.string()),
  mapped: z
    .array(z.object({ file: z.string(), profile: z.string(), kind: z.string(), columns: z.record(z.string(), z.record(z.string(), z.string())), ignored: z.array(z.string()), rows: z.number(), skipped: z.number() }))
    .describe('how each file from another system was read: its profile, and which header feeds which field'),
  version: z.number(),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;
