import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  AreaByCodeQuerySchema,
  AreaCodeParamsSchema,
  AreaFeatureSchema,
  AreaListQuerySchema,
  AreaListSchema,
  ContainingQuerySchema,
  ContainingResultSchema,
} from '@kwartier/shared';
import * as service from './areas.service.ts';

/** Areas change once a year at most: they are read from a replica where one is configured. */
export const areaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/areas', {
    schema: {
      tags: ['areas'],
      summary: 'List areas by level and parent',
      description: 'Without `year`, the newest year loaded for the level. `parent` is a gemeente code (for its wijken) or a wijk code (for its buurten).',
      querystring: AreaListQuerySchema,
      response: { 200: AreaListSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.listAreas(request.readDb, request.query),
  });

  app.get('/api/areas/containing', {
    schema: {
      tags: ['areas'],
      summary: 'The gemeente, wijk and buurt that contain a point',
      querystring: ContainingQuerySchema,
      response: { 200: ContainingResultSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => service.areasContaining(request.readDb, request.query.lon, request.query.lat, request.query.year),
  });

  app.get('/api/areas/:code', {
    schema: {
      tags: ['areas'],
      summary: 'One area with its boundary, as a GeoJSON Feature',
      params: AreaCodeParamsSchema,
      querystring: AreaByCodeQuerySchema,
      response: { 200: AreaFeatureSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request, reply) => {
      const feature = await service.getArea(request.readDb, request.params.code, request.query.year);
      return reply.type('application/geo+json').send(feature);
    },
  });
};
