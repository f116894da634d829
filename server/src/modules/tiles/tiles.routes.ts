import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, AreaTileQuerySchema, AssetTileQuerySchema, TileParamsSchema } from '@kwartier/shared';
import * as service from './tiles.service.ts';
import type { Tile } from './tiles.service.ts';

export type TileRoutesOptions = { now: () => Date };

/**
 * Data changes under a tile at any time (a new asset, an edit); a minute of caching keeps
 * panning cheap, and the ETag makes a revalidation a 304 when nothing changed.
 */
const CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

function sendTile(request: FastifyRequest, reply: FastifyReply, tile: Tile) {
  reply.header('etag', tile.etag).header('cache-control', CACHE_CONTROL).header('vary', 'accept-encoding');
  const known = request.headers['if-none-match'];
  if (known && (known.trim() === '*' || known.split(',').some((tag) => tag.trim().replace(/^W\//, '') === tile.etag))) {
    return reply.status(304).send();
  }
  return reply.type('application/vnd.mapbox-vector-tile').send(tile.body);
}

const tileDescription =
  'A Mapbox Vector Tile (extent 4096). Up to zoom 12 the `clusters` layer holds counts per square; above it, the `assets` layer holds single assets at their public location.';

export const tileRoutes: FastifyPluginAsyncZod<TileRoutesOptions> = async (app, { now }) => {
  app.get('/tiles/assets/:z/:x/:y.mvt', {
    schema: {
      tags: ['tiles'],
      summary: 'Assets as a vector tile, with the same filters as the list',
      description: tileDescription,
      params: TileParamsSchema,
      querystring: AssetTileQuerySchema,
      response: { 400: ApiErrorSchema },
    },
    handler: async (request, reply) => sendTile(request, reply, await service.assetTile(app.db, request.params, request.query, now())),
  });

  app.get('/tiles/areas/:z/:x/:y.mvt', {
    schema: {
      tags: ['tiles'],
      summary: 'Area outlines (`areas` layer) and label points (`area_labels` layer) as a vector tile',
      params: TileParamsSchema,
      querystring: AreaTileQuerySchema,
      response: { 400: ApiErrorSchema },
    },
    handler: async (request, reply) =>
      sendTile(request, reply, await service.areaTile(app.db, request.params, request.query.level, request.query.year)),
  });
};
