import fp from 'fastify-plugin';
import type { FieldError } from '@kwartier/shared';
import { invalid } from '../lib/errors.ts';

/** Paths of every string that holds a NUL character, which PostgreSQL text cannot store. */
function nulFields(value: unknown, path: string, found: FieldError[] = []): FieldError[] {
  if (found.length >= 20) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ field: path, message: 'text must not contain a NUL character (\\u0000)' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulFields(item, `${path}.${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) nulFields(item, `${path}.${key}`, found);
  }
  return found;
}

/**
 * Input that no schema can express. A NUL in a string passes every zod check and then fails
 * in the database as a 500; here it is a 400 that names the field, on every route.
 */
export const securityPlugin = fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      const problems = [
        ...nulFields(request.params, 'params'),
        ...nulFields(request.query, 'query'),
        ...nulFields(request.body, 'body'),
      ];
      if (problems.length > 0) throw invalid(problems);
    });
  },
  { name: 'security' },
);
