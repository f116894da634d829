import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ExportQuerySchema } from '@kwartier/shared';
import * as service from './export.service.ts';

/**
 * The assets as GeoJSON and CSV for whoever asks, by role (see export.service.ts). The answer
 * depends on who asks, so caches keep it apart per session.
 */
export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/assets.geojson', {
    schema: {
      tags: ['export'],
      summary: 'The published assets as GeoJSON: what the public map shows, or more for professionals and moderators',
      querystring: ExportQuerySchema,
    },
    config: app.limitedTo('export', 30, 'address'),
    handler: async (request, reply) => {
      const collection = await service.exportGeoJson(app.db, request.viewer, request.query);
      return reply
        .type('application/geo+json; charset=utf-8')
        .header('vary', 'cookie')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'attachment; filename="kwartier-plekken.geojson"')
        .send(JSON.stringify(collection));
    },
  });

  app.get('/api/assets.csv', {
    schema: { tags: ['export'], summary: 'The same, as CSV (lists joined with "|", schedules as JSON)', querystring: ExportQuerySchema },
    config: app.limitedTo('export', 30, 'address'),
    handler: async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('vary', 'cookie')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'attachment; filename="kwartier-plekken.csv"')
        .send(await service.exportCsv(app.db, request.viewer, request.query)),
  });
};
