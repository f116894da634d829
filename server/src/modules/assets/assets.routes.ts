import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  AssetCreateSchema,
  AssetIdParamsSchema,
  AssetListQuerySchema,
  AssetPageSchema,
  AssetSchema,
  AssetUpdateSchema,
  NearbyQuerySchema,
  NearbyResultSchema,
} from '@kwartier/shared';
import * as service from './assets.service.ts';

export type AssetRoutesOptions = { now: () => Date };

const filterHelp =
  'Filters combine with AND. Within one filter any value matches (repeat the parameter or separate values with commas), ' +
  'except `inclusion`, where every feature named must be present. Without `status`, only published assets are listed.';

export const assetRoutes: FastifyPluginAsyncZod<AssetRoutesOptions> = async (app, { now }) => {
  app.get('/api/assets', {
    schema: {
      tags: ['assets'],
      summary: 'List assets with filters',
      description: filterHelp,
      querystring: AssetListQuerySchema,
      response: { 200: AssetPageSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.listAssets(app.db, request.query, now()),
  });

  app.get('/api/assets/nearby', {
    schema: {
      tags: ['assets'],
      summary: 'Assets near a point, nearest first, with distances in metres',
      description: `${filterHelp} \`openNow\` and \`openAt\` are evaluated in Europe/Amsterdam time.`,
      querystring: NearbyQuerySchema,
      response: { 200: NearbyResultSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.nearbyAssets(app.db, request.query, now()),
  });

  app.get('/api/assets/:id', {
    schema: {
      tags: ['assets'],
      summary: 'One asset',
      params: AssetIdParamsSchema,
      response: { 200: AssetSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.getAsset(app.db, request.params.id),
  });

  app.post('/api/assets', {
    schema: {
      tags: ['assets'],
      summary: 'Create an asset',
      body: AssetCreateSchema,
      response: { 201: AssetSchema, 400: ApiErrorSchema },
    },
    handler: async (request, reply) => {
      const asset = await service.createAsset(app.db, request.body);
      return reply.status(201).header('location', `/api/assets/${asset.id}`).send(asset);
    },
  });

  app.patch('/api/assets/:id', {
    schema: {
      tags: ['assets'],
      summary: 'Change an asset: send only the fields that change',
      params: AssetIdParamsSchema,
      body: AssetUpdateSchema,
      response: { 200: AssetSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.updateAsset(app.db, request.params.id, request.body),
  });

  app.post('/api/assets/:id/archive', {
    schema: {
      tags: ['assets'],
      summary: 'Archive an asset: it leaves the map but is kept',
      params: AssetIdParamsSchema,
      response: { 200: AssetSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.archiveAsset(app.db, request.params.id),
  });
};
