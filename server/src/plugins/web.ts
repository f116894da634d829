import { existsSync } from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { WEB_DIST } from '../lib/web-build.ts';

/**
 * Serves the built web app from `/`. Hashed assets are cached for a year; index.html is
 * revalidated, so a new build reaches people at once. The app is one page: its state is in the
 * query string of `/`, so no other path needs index.html.
 */
export const webPlugin = fp(
  async (app) => {
    if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
      app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/docs'));
      return;
    }
    await app.register(fastifyStatic, {
      root: WEB_DIST,
      prefix: '/',
      index: ['index.html'],
      wildcard: false,
      // The embed's page is served by GET /embed (modules/embed), with the headers that let other sites frame it.
      allowedPath: (pathName) => pathName !== '/embed.html',
      setHeaders: (reply, filePath) => {
        // MapLibre's worker is an ES module: browsers refuse it under any other type.
        if (filePath.endsWith('.mjs') || filePath.endsWith('.js')) reply.header('content-type', 'text/javascript; charset=utf-8');
        reply.header(
          'cache-control',
          path.relative(WEB_DIST, filePath).startsWith(`assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  },
  { name: 'web' },
);
