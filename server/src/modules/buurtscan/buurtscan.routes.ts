import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, BuurtscanQuerySchema, BuurtscanSchema, GapsQuerySchema, GapsSchema, IndicatorCatalogueSchema } from '@kwartier/shared';
import * as service from './buurtscan.service.ts';

export type BuurtscanRoutesOptions = { now: () => Date };

/**
 * The buurtscan for a municipality. The indicators are about assets and their reach, which are
 * public, so they are public too; per-buurt figures about people (draaglast) come with the
 * analysts' part.
 */
export const buurtscanRoutes: FastifyPluginAsyncZod<BuurtscanRoutesOptions> = async (app, { now }) => {
  app.get('/api/buurtscan/indicators', {
    schema: {
      tags: ['buurtscan'],
      summary: 'The indicators: name, description, formula and unit, in Dutch and English',
      response: { 200: IndicatorCatalogueSchema },
    },
    handler: async () => service.indicatorCatalogue(),
  });

  app.get('/api/buurtscan', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Indicators per buurt, wijk or gemeente, computed in the database',
      querystring: BuurtscanQuerySchema,
      response: { 200: BuurtscanSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.buurtscan(app.db, request.query, now()),
  });

  app.get('/api/buurtscan/gaps', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Witte vlekken: buurten of a gemeente with no asset of a kind or category within a distance',
      querystring: GapsQuerySchema,
      response: { 200: GapsSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.gaps(app.db, request.query),
  });
};
