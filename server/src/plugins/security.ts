import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import type { FieldError } from '@kwartier/shared';
import { invalid } from '../lib/errors.ts';

/** Node 20 has String.prototype.isWellFormed (ES2024); the TypeScript lib here does not. */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Deeper than any of Kwartier's schemas goes; deeper input is refused before it is walked. */
const MAX_DEPTH = 32;

/**
 * Problems no schema can express, with the path of each: a string PostgreSQL cannot store (a
 * NUL character, or a lone UTF-16 surrogate that `\ud800` in JSON produces), and nesting
 * deeper than any route accepts. Walked with an explicit stack: recursion would overflow on
 * a hostile body ten thousand levels deep.
 */
function unstorableInput(root: unknown, rootPath: string): FieldError[] {
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0 && found.length < 20) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push({ field: path, message: 'text must not contain a NUL character (\\u0000)' });
      else if (!isWellFormed(value)) found.push({ field: path, message: 'text must be valid Unicode (it holds a lone surrogate)' });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) {
        found.push({ field: path, message: `nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
      for (const [key, item] of entries) stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return found;
}

/**
 * The Content-Security-Policy for the web app and the API docs. MapLibre runs its worker from
 * a blob and draws icons from data URLs; a configured basemap may load tiles, glyphs and
 * sprites from any https host its style names, so only then are https hosts allowed.
 */
function contentSecurityPolicy(externalBasemap: boolean) {
  const remote = externalBasemap ? ['https:'] : [];
  return {
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      // React and MapLibre set element styles; the API docs page has inline styles.
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:', ...remote],
      'font-src': ["'self'", 'data:', ...remote],
      'connect-src': ["'self'", ...remote],
      'worker-src': ["'self'", 'blob:'],
      'child-src': ["'self'", 'blob:'],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    },
  };
}

/**
 * Security headers (helmet), and input that no schema can express. A NUL or a lone surrogate
 * in a string passes every zod check and then fails in the database as a 500; here it is a
 * 400 that names the field, on every route.
 */
export const securityPlugin = fp<{ externalBasemap: boolean }>(
  async (app, { externalBasemap }) => {
    await app.register(helmet, {
      contentSecurityPolicy: contentSecurityPolicy(externalBasemap),
      // Tiles and the API are read by this site only; an embed (a later issue) opts in per route.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      // HSTS only where the site is served over TLS; over plain http browsers ignore it anyway.
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    });

    app.addHook('preValidation', async (request) => {
      const problems = [
        ...unstorableInput(request.params, 'params'),
        ...unstorableInput(request.query, 'query'),
        ...unstorableInput(request.body, 'body'),
      ];
      if (problems.length > 0) throw invalid(problems);
    });
  },
  { name: 'security' },
);
