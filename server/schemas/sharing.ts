/**
 * Partner-scoped sharing (account mapping): what each partner shows each
 * other partner. Shared by the routes, the store, the bundle and the web client.
 */
import { z } from 'zod';
import { Id } from './model.js';

/**
 * From least to most: `hidden` (nothing), `counts` (how many customers the two
 * serve in common), `overlaps` (those customers, by id and name), `everything`
 * (all its customers and its relationships).
 */
export const SHARING_LEVELS = ['hidden', 'counts', 'overlaps', 'everything'] as const;
export const SharingLevel = z.enum(SHARING_LEVELS);
export type SharingLevel = z.infer<typeof SharingLevel>;

/** What a partner shares when it has set nothing: like Crossbeam, nothing until it opts in. */
export const PRODUCT_DEFAULT_LEVEL: SharingLevel = 'hidden';

/** At most this many partners named in one partner's settings (the lists limit of every request schema). */
const MAX_NAMED = 10_000;

/** One partner's settings as written: a default for partners it does not name, and a level per partner it names. */
export const SharingSettings = z.object({
  default: SharingLevel.optional().describe(`what it shares with partners it does not name; absent: "${PRODUCT_DEFAULT_LEVEL}"`),
  partners: z
    .record(Id, SharingLevel)
    .refine((levels) => Object.keys(levels).length <= MAX_NAMED, { message: `must name at most ${MAX_NAMED} partners` })
    .optional()
    .describe('other partner id → what it shares with that partner'),
});
export type SharingSettings = z.infer<typeof SharingSettings>;

/** A bundle's sharing row: one partner's settings. */
export const SharingRow = SharingSettings.extend({ partner: Id });
export type SharingRow = z.infer<typeof SharingRow>;

export const SharingResponse = z.object({
  partnerId: z.string(),
  default: SharingLevel.describe('the default in force (the product default when none is set)'),
  defaultSet: z.boolean().describe('whether the partner set its default itself'),
  partners: z.record(z.string(), SharingLevel),
});
export type SharingResponse = z.infer<typeof SharingResponse>;

const Named = z.object({ id: z.string(), name: z.string() });

/** What one other partner shares with the partner asking, at the level it chose. */
export const AccountMappingEntry = z.object({
  partnerId: z.string(),
  name: z.string(),
  level: SharingLevel.describe('what this partner shares with you'),
  youShare: SharingLevel.describe('what you share with this partner'),
  overlapCount: z.number().describe('customers you both serve'),
  overlaps: z.array(Named).optional().describe('the customers you both serve (overlaps and everything)'),
  customers: z.array(Named).optional().describe('every customer it serves (everything)'),
  partners: z.array(Named).optional().describe('the partners it is related to (everything)'),
});
export type AccountMappingEntry = z.infer<typeof AccountMappingEntry>;

export const AccountMappingResponse = z.object({
  partnerId: z.string(),
  partners: z.array(AccountMappingEntry).describe('every partner that shares more than nothing with this one, most overlaps first'),
});
export type AccountMappingResponse = z.infer<typeof AccountMappingResponse>;
