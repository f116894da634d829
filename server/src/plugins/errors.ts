import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiError, ErrorCode, FieldError } from '@kwartier/shared';
import { AppError } from '../lib/errors.ts';

type ValidationIssue = { instancePath: string; message?: string; keyword: string; params: Record<string, unknown> };

/** "querystring" reads oddly in an error message for a person; "query" is what they typed. */
function partName(context: string | undefined): string {
  return context === 'querystring' ? 'query' : (context ?? 'request');
}

/** Names each bad field as `body.location.coordinates.1`, `query.lat`, `params.id`. */
export function fieldErrors(context: string | undefined, issues: ValidationIssue[]): FieldError[] {
  const part = partName(context);
  return issues.flatMap((issue) => {
    const path = issue.instancePath.split('/').filter((segment) => segment !== '');
    const at = (extra: string[] = []) => [part, ...path, ...extra].join('.');
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      return (issue.params.keys as string[]).map((key) => ({ field: at([key]), message: 'unknown field' }));
    }
    return [{ field: at(), message: issue.message ?? 'invalid value' }];
  });
}

/** PostgreSQL and network errors that mean "the database is not there right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** Also what makes a read leave a replica for the primary (db/replicas.ts). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) return true;
  const message = (error as Error).message ?? '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/**
 * What of an error goes to the log: its kind, code, message and stack. Not the SQL parameters
 * or the row detail that database errors carry, which may hold a resident's address or
 * contact details.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactEmail(String(error)) };
  const { name, message, stack } = error;
  const code = (error as { code?: unknown }).code;
  return { type: name, message: redactEmail(message), ...(typeof code === 'string' ? { code } : {}), stack: redactEmail(stack ?? '') };
}

/** Messages of mail servers and drivers can quote an e-mail address; the log gets none. */
const redactEmail = (text: string) => text.replace(/[^\s<>"'(),;:@]+@[^\s<>"'(),;:@]+\.[a-z]{2,}/gi, '[e-mail]');

function send(reply: FastifyReply, request: FastifyRequest, status: number, code: ErrorCode, message: string, fields?: FieldError[]) {
  const body: ApiError = { error: { code, message, ...(fields ? { fields } : {}), requestId: request.id } };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

const CLIENT_ERROR_CODES: Record<number, ErrorCode> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 429: 'RATE_LIMITED', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE' };

/**
 * Fastify's own client errors (malformed JSON, an empty body, a bad URL): their messages are
 * written for the client and carry no internals. Also used for errors the router raises
 * before any hook runs (Fastify's `frameworkErrors`), so they too have the one shape.
 */
export function sendClientError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return send(reply, request, status, CLIENT_ERROR_CODES[status] ?? 'BAD_REQUEST', error.message);
}

/**
 * One error shape for the whole API. Validation problems name their fields; a 5xx says only
 * that something went wrong, never its message, SQL or stack, which go to the log instead.
 */
export const errorsPlugin = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof AppError) {
        return send(reply, request, error.statusCode, error.code, error.message, error.fields);
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const fields = fieldErrors(error.validationContext, error.validation as unknown as ValidationIssue[]);
        return send(reply, request, 400, 'VALIDATION_FAILED', `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return send(reply, request, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return send(reply, request, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
      }
      if (isDatabaseUnavailable(error)) {
        request.log.error({ error: loggableError(error) }, 'database unavailable');
        reply.header('retry-after', '5');
        return send(reply, request, 503, 'SERVICE_UNAVAILABLE', 'The database is not available right now; try again shortly');
      }
      if (error.code === '23505') {
        return send(reply, request, 409, 'CONFLICT', 'This conflicts with a record that already exists');
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) return sendClientError(error, request, reply);
      request.log.error({ error: loggableError(error) }, 'unhandled error');
      return send(reply, request, 500, 'INTERNAL', 'Something went wrong on our side; it has been logged');
    });

    app.setNotFoundHandler((request, reply) =>
      send(reply, request, 404, 'NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`),
    );
  },
  { name: 'errors' },
);
