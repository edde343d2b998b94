/** API keys, roles and the audit trail: shared by the server, the keys CLI and the web client. */
import { z } from 'zod';
import { Id } from './model.js';
import { PageQuery } from './api.js';

/** admin: everything, keys included; editor: writes and imports; viewer: reads; partner: reads of one partner's own records. */
export const Role = z.enum(['admin', 'editor', 'viewer', 'partner']);
export type Role = z.infer<typeof Role>;

export const KeyName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[\w.@-]+( [\w.@-]+)*$/, 'letters, digits, spaces and . _ @ - only');

/** A key as listed: never its secret nor its hash. */
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  partner: z.string().optional().describe('the partner a partner key is scoped to'),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().optional(),
  revokedBy: z.string().optional(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateKeyRequest = z
  .object({ name: KeyName, role: Role, partner: Id.optional() })
  .superRefine((body, ctx) => {
    if (body.role === 'partner' && body.partner === undefined) ctx.addIssue({ code: 'custom', path: ['partner'], message: 'a partner key needs the partner it is scoped to' });
    if (body.role !== 'partner' && body.partner !== undefined) ctx.addIssue({ code: 'custom', path: ['partner'], message: `only a partner key is scoped to a partner, not a ${body.role} key` });
  });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

/** The one answer that carries the secret: shown once, stored only as a hash. */
export const CreatedKey = ApiKey.extend({ key: z.string() });

export const KeyList = z.object({ keys: z.array(ApiKey) });

/** Who a request acts as: its key's role, name and partner, or "local" (admin) on an open loopback server. */
export const Me = z.object({ id: z.string(), name: z.string(), role: Role, partner: z.string().optional() });

export const KeyRef = z.object({ key: z.string().trim().min(1).max(100).describe('the id or the name of a key') });

/** One audited write: who, when, what, and the ids it named and wrote. */
export const AuditEntry = z.object({
  seq: z.number().describe('the entry number, in the order the writes committed'),
  at: z.string(),
  actor: z.string().describe('the key id, or "local" for an open loopback server, "cli" for the import CLI'),
  actorName: z.string(),
  method: z.string(),
  route: z.string().describe('the route pattern, e.g. /api/partners/:id'),
  entities: z.array(z.string()).describe('the entity types written'),
  idsBefore: z.array(z.string()).describe('the ids the request named (before identity resolution)'),
  idsAfter: z.array(z.string()).describe('the ids the store wrote or deleted (at most 1,000)'),
  idCount: z.number().describe('how many ids the write touched in all'),
  version: z.number().describe('the store version after the write'),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = PageQuery.extend({
  actor: z.string().min(1).max(100).optional().describe('a key id or name, "local" or "cli"'),
  entity: z.string().min(1).max(50).optional().describe('an entity type: partners, customers, relationships, keys…'),
  id: z.string().min(1).max(200).optional().describe('entries that named or wrote this id'),
  since: z.iso.datetime().optional(),
  until: z.iso.datetime().optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
