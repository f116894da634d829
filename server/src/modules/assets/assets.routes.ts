import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  AssetIdParamsSchema,
  AssetListQuerySchema,
  AssetPageSchema,
  AssetSchema,
  NearbyQuerySchema,
  NearbyResultSchema,
} from '@kwartier/shared';
import * as service from './assets.service.ts';

export type AssetRoutesOptions = { now: () => Date };

const filterHelp =
  'Filters combine with AND. Within one filter any value matches (repeat the parameter or separate values with commas), ' +
  'except `inclusion`, where every feature named must be present. Without `status`, only published assets are listed; other statuses are for moderators.';

/**
 * The public search: read from a replica where one is configured (`request.readDb`, which keeps
 * a client that just wrote on the primary). Writes to assets are in contributions.routes.ts.
 */
export const assetRoutes: FastifyPluginAsyncZod<AssetRoutesOptions> = async (app, { now }) => {
  app.get('/api/assets', {
    schema: {
      tags: ['assets'],
      summary: 'List assets with filters',
      description: filterHelp,
      querystring: AssetListQuerySchema,
      response: { 200: AssetPageSchema, 400: ApiErrorSchema, 403: ApiErrorSchema },
    },
    handler: async (request) => service.listAssets(request.readDb, request.query, now(), request.viewer),
  });

  app.get('/api/assets/nearby', {
    schema: {
      tags: ['assets'],
      summary: 'Assets near a point, nearest first, with distances in metres',
      description: `${filterHelp} \`openNow\` and \`openAt\` are evaluated in Europe/Amsterdam time.`,
      querystring: NearbyQuerySchema,
      response: { 200: NearbyResultSchema, 400: ApiErrorSchema, 403: ApiErrorSchema },
    },
    handler: async (request) => service.nearbyAssets(request.readDb, request.query, now(), request.viewer),
  });

  app.get('/api/assets/:id', {
    schema: {
      tags: ['assets'],
      summary: 'One asset',
      description: 'A published asset, as the public sees it. Its author and moderators also find it while it is not published.',
      params: AssetIdParamsSchema,
      response: { 200: AssetSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getAsset(request.readDb, request.params.id, request.viewer),
  });
};
