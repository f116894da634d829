import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, AreaTileQuerySchema, AssetTileQuerySchema, TileParamsSchema } from '@kwartier/shared';
import * as service from './tiles.service.ts';
import { type CachedTile, parseNotification, TileCache } from './tiles.cache.ts';
import { ReplicaFreshness } from './tiles.replica.ts';

export type TileRoutesOptions = { now: () => Date; cacheBytes: number };

/** The channel the tile triggers notify (migrations/20261201110000_tile_invalidation.ts). */
const CHANNEL = 'kwartier_tiles';

/**
 * Data changes under a tile at any time (a new asset, an edit). Browsers and proxies keep a
 * tile but ask again each time (`no-cache`); the ETag makes that a 304 while nothing changed,
 * and this process answers it from memory. So an edit shows on the next look, not a minute on.
 */
const CACHE_CONTROL = 'public, no-cache';

/** Whether the client takes gzip: named in Accept-Encoding, and not with q=0. */
function acceptsGzip(request: FastifyRequest): boolean {
  const accepted = request.headers['accept-encoding'];
  if (typeof accepted !== 'string') return false;
  return accepted.split(',').some((coding) => {
    const [name, ...parameters] = coding.trim().toLowerCase().split(';');
    return (name?.trim() === 'gzip' || name?.trim() === '*') && !parameters.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

function sendTile(request: FastifyRequest, reply: FastifyReply, tile: CachedTile) {
  reply.header('etag', tile.etag).header('cache-control', CACHE_CONTROL).header('vary', 'accept-encoding');
  const known = request.headers['if-none-match'];
  if (known && (known.trim() === '*' || known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === tile.etag.replace(/^W\//, '')))) {
    return reply.status(304).send();
  }
  reply.type('application/vnd.mapbox-vector-tile');
  if (tile.gzipped && acceptsGzip(request)) return reply.header('content-encoding', 'gzip').send(tile.gzipped);
  return reply.send(tile.body);
}

const tileDescription =
  'A Mapbox Vector Tile (extent 4096). Up to zoom 12 the `clusters` layer holds counts per square; above it, the `assets` layer holds single assets at their public location.';

export const tileRoutes: FastifyPluginAsyncZod<TileRoutesOptions> = async (app, { now, cacheBytes }) => {
  const cache = new TileCache(cacheBytes);
  /**
   * A client that wrote a moment ago reads the primary (plugins/db.ts, read-your-writes);
   * kept tiles may predate its write until the notification has come, so it gets a fresh one.
   */
  const justWrote = (request: FastifyRequest) => app.database.hasReplica && request.readDb === app.database.db;
  const freshness = new ReplicaFreshness(app.database);
  // Every process hears every committed change, its own and the others'.
  let stopListening: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopListening = await app.database.listen(CHANNEL, {
      onMessage: (payload) => {
        cache.applyNotification(parseNotification(payload));
        freshness.noteChange();
      },
      onReset: () => {
        cache.clear();
        freshness.noteChange();
      },
    });
    // What committed before this process listened was never heard: replicas must have it too.
    freshness.noteChange();
  });
  app.addHook('onClose', async () => {
    freshness.stop();
    await stopListening?.();
  });

  // The warm path: a URL answered with a kept tile before is answered from memory before
  // validation (it was validated then, and what it asks for cannot have changed but through a
  // notification, which drops the tile).
  app.addHook('onRequest', async (request, reply) => {
    if (justWrote(request)) return;
    const tile = cache.byUrl(request.url);
    if (tile) return sendTile(request, reply, tile);
  });

  app.get('/tiles/assets/:z/:x/:y.mvt', {
    schema: {
      tags: ['tiles'],
      summary: 'Assets as a vector tile, with the same filters as the list',
      description: tileDescription,
      params: TileParamsSchema,
      querystring: AssetTileQuerySchema,
      response: { 400: ApiErrorSchema },
    },
    handler: async (request, reply) => {
      const moment = now();
      const key = { layer: 'assets' as const, ...request.params, variant: service.assetTileVariant(request.query, moment) };
      const make = () => freshness.read(request.readDb, (db) => service.assetTile(db, request.params, request.query, moment));
      // Someone who just changed something sees it on their map at once, not after the NOTIFY.
      if (justWrote(request)) return sendTile(request, reply, await make());
      // "Open now" is another minute each minute: such a URL is not remembered for the warm path.
      const url = request.query.openNow ? undefined : request.url;
      return sendTile(request, reply, await cache.through(key, make, url));
    },
  });

  app.get('/tiles/areas/:z/:x/:y.mvt', {
    schema: {
      tags: ['tiles'],
      summary: 'Area outlines (`areas` layer) and label points (`area_labels` layer) as a vector tile',
      params: TileParamsSchema,
      querystring: AreaTileQuerySchema,
      response: { 400: ApiErrorSchema },
    },
    handler: async (request, reply) => {
      const { level, year } = request.query;
      const key = { layer: 'areas' as const, ...request.params, variant: `${level}:${year ?? 'latest'}` };
      const make = () => freshness.read(request.readDb, (db) => service.areaTile(db, request.params, level, year));
      if (justWrote(request)) return sendTile(request, reply, await make());
      return sendTile(request, reply, await cache.through(key, make, request.url));
    },
  });
};
