import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, PlaceListSchema, PlaceQuerySchema } from '@kwartier/shared';
import * as service from './places.service.ts';

export const placeRoutes: FastifyPluginAsyncZod<{ locatieserverUrl: string | null }> = async (app, { locatieserverUrl }) => {
  app.get('/api/places', {
    schema: {
      tags: ['assets'],
      summary: 'Places to search near: addresses and postcodes (Locatieserver, when configured), buurten, wijken, gemeenten and assets by name',
      querystring: PlaceQuerySchema,
      response: { 200: PlaceListSchema, 400: ApiErrorSchema },
    },
    handler: async (request) => ({ items: await service.searchPlaces(request.readDb, request.query.q, locatieserverUrl, request.log) }),
  });
};
