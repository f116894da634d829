import fp from 'fastify-plugin';
import type { FieldError } from '@kwartier/shared';
import { invalid } from '../lib/errors.ts';

/** Node 20 has String.prototype.isWellFormed (ES2024); the TypeScript lib here does not. */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/**
 * Paths of every string PostgreSQL cannot store: one with a NUL character, or one that is not
 * well-formed Unicode (a lone UTF-16 surrogate, which `\ud800` in JSON can produce).
 */
function unstorableText(value: unknown, path: string, found: FieldError[] = []): FieldError[] {
  if (found.length >= 20) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push({ field: path, message: 'text must not contain a NUL character (\\u0000)' });
    else if (!isWellFormed(value)) found.push({ field: path, message: 'text must be valid Unicode (it holds a lone surrogate)' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableText(item, `${path}.${index}`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) unstorableText(item, `${path}.${key}`, found);
  }
  return found;
}

/**
 * Input that no schema can express. A NUL or a lone surrogate in a string passes every zod
 * check and then fails in the database as a 500; here it is a 400 that names the field, on
 * every route.
 */
export const securityPlugin = fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      const problems = [
        ...unstorableText(request.params, 'params'),
        ...unstorableText(request.query, 'query'),
        ...unstorableText(request.body, 'body'),
      ];
      if (problems.length > 0) throw invalid(problems);
    });
  },
  { name: 'security' },
);
