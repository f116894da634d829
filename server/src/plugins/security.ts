import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
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
