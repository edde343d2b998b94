/**
 * One error shape for every client: { error, message, details[] }. Domain
 * errors thrown by routes map to their status here, in one place.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorResponse } from '../schemas/api.js';
import { InvalidCursorError } from '../store/graph-store.js';
import { StoreUnavailableError } from '../store/executor.js';
import { BundleRejected, type RowError } from '../import/import-bundle.js';
import { AccessError } from '../access/guard.js';

export class NotFoundError extends Error {
  constructor(what: string, id: string) {
    super(`no ${what} with id "${id}"`);
  }
}

export class ConflictError extends Error {
  /** Extra fields for the client, e.g. the id of the record the request collides with. */
  constructor(
    message: string,
    readonly detail: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Input that passed its schema but not the store's rules (unknown references, bad rows). */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly details: ErrorResponse['details'],
  ) {
    super(message);
  }
}

export function rowErrorsAsDetails(errors: RowError[]): ErrorResponse['details'] {
  return errors.map(({ section, index, id, field, message, value, file, line }) => ({
    field: section === 'bundle' ? field : `${section}[${index}].${field}`,
    message: file === undefined ? message : `${file} line ${line}: ${field}: ${message}`,
    section,
    index,
    ...(id === undefined ? {} : { id }),
    ...(value === undefined ? {} : { value }),
    ...(file === undefined ? {} : { file, line }),
  }));
}

const STATUS_NAMES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

function reply(status: number, message: string, details: ErrorResponse['details'] = []): [number, ErrorResponse] {
  return [status, { error: STATUS_NAMES[status] ?? 'Error', message, details }];
}

function classify(error: FastifyError): [number, ErrorResponse] {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const details = error.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
    }));
    return reply(400, details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  if (error instanceof AccessError) return reply(error.status, error.message, [{ field: error.field, message: error.message }]);
  if (error instanceof NotFoundError) return reply(404, error.message);
  if (error instanceof ConflictError) return reply(409, error.message, Object.keys(error.detail).length === 0 ? [] : [{ field: 'body', message: error.message, ...error.detail }]);
  if (error instanceof InvalidInputError) return reply(400, error.message, error.details);
  if (error instanceof BundleRejected) return reply(400, error.message, rowErrorsAsDetails(error.errors));
  // Neo4j lost: the write was not committed; the driver reconnects when it is back, so a retry will do.
  if (error instanceof StoreUnavailableError) return reply(503, 'the store is unavailable: nothing was written; retry shortly');
  if (error instanceof InvalidCursorError) return reply(400, `querystring.cursor: ${error.message}`, [{ field: 'querystring.cursor', message: error.message }]);
  const status = error.statusCode ?? 500;
  // Fastify's own client errors (bad JSON, wrong content type, body too large) keep their status and say why.
  if (status >= 400 && status < 500) return reply(status, error.message.replace(/^FST_\w+: /, ''));
  return reply(status, status === 503 ? error.message : 'internal error: the server could not answer; see its log');
}

/**
 * Fastify's option `frameworkErrors`: errors it meets before any route (a URL
 * with bad percent-encoding, a bad content-type header) answered in our shape.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, response: FastifyReply): void {
  const [status, body] = classify(error);
  request.log.info({ url: request.url, status, message: body.message }, 'request rejected');
  void response.status(status).send(body);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, response) => {
    const [status, body] = classify(error);
    // The store being down is an operations matter, not a bug: one line, no stack.
    if (error instanceof StoreUnavailableError) request.log.warn({ url: request.url, method: request.method, reason: error.message }, 'store unavailable');
    else if (status >= 500) request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    else request.log.info({ url: request.url, status, message: body.message }, 'request rejected');
    return response.status(status).send(body);
  });
  app.setNotFoundHandler((request, response) => {
    const [status, body] = reply(404, `no route ${request.method} ${request.url.split('?')[0]}`);
    return response.status(status).send(body);
  });
}
