import fp from 'fastify-plugin';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { invalid } from '../lib/errors.ts';
import { unstorableInput } from '../lib/unstorable.ts';

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
 * The policy of the embeddable map (modules/embed): the app's own, but any site may frame it,
 * and never a remote host, whatever basemap the main app is configured with.
 */
export function embedContentSecurityPolicy(): string {
  const { directives } = contentSecurityPolicy(false);
  return Object.entries({ ...directives, 'frame-ancestors': ['*'] })
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * The headers helmet sets, worked out once. @fastify/helmet builds helmet's middleware again
 * on every request (parsing the CSP each time: 3% of a warm tile's CPU, measured); the
 * headers depend on the configuration only, so they are computed at start and copied.
 */
function securityHeaders(options: HelmetOptions): Array<[string, string]> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return [...headers];
}

/**
 * Security headers (helmet's, on every answer; a route may change them, as the embed does),
 * and input that no schema can express. A NUL or a lone surrogate in a string passes every
 * zod check and then fails in the database as a 500; here it is a 400 that names the field,
 * on every route.
 */
export const securityPlugin = fp<{ externalBasemap: boolean }>(
  async (app, { externalBasemap }) => {
    const headers = securityHeaders({
      contentSecurityPolicy: contentSecurityPolicy(externalBasemap),
      // Tiles and the API are read by this site only; the embed opts in per route.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      // HSTS only where the site is served over TLS; over plain http browsers ignore it anyway.
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
    });
    app.addHook('onRequest', (_request, reply, done) => {
      for (const [name, value] of headers) reply.raw.setHeader(name, value);
      done();
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
