import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  AreaCodeParamsSchema,
  AreaContextSchema,
  BuurtscanQuerySchema,
  BuurtscanSchema,
  type BuurtscanQuery,
  INDICATOR_CODES,
  ContextUpdateSchema,
  GapsQuerySchema,
  GapsSchema,
  IndicatorCatalogueSchema,
  PlacementsSchema,
  ScoreWeightsSchema,
  ScoresQuerySchema,
  ScoresSchema,
  WijkanalyseSchema,
  can,
} from '@kwartier/shared';
import { requirePermission } from '../../plugins/auth.ts';
import { invalid } from '../../lib/errors.ts';
import * as service from './buurtscan.service.ts';
import * as spreiding from './spreiding.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema };

/** Reach below the gemeente level is asked for one gemeente at a time (see the route). */
function checkScope(query: BuurtscanQuery): BuurtscanQuery {
  const wantsReach = (query.indicators ?? INDICATOR_CODES).some((code) => code.startsWith('reach_'));
  if (wantsReach && query.level !== 'gemeente' && !query.gemeente) {
    throw invalid([{ field: 'query.gemeente', message: 'name a gemeente for reach indicators per buurt or wijk' }]);
  }
  return query;
}

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
    // Reach over every buurt of the country takes minutes (npm run bench:buurtscan): a public
    // request names a gemeente for it, and a client gets 300 scans a window.
    config: app.limitedTo('buurtscan', 300),
    handler: async (request) => {
      checkScope(request.query);
      return service.buurtscan(request.readDb, request.query, now(), app.db);
    },
  });

  app.get('/api/buurtscan.geojson', {
    schema: { tags: ['buurtscan'], summary: 'The buurtscan as GeoJSON: boundaries with the figures as properties', querystring: BuurtscanQuerySchema },
    config: app.limitedTo('buurtscan', 300),
    handler: async (request, reply) =>
      reply
        .type('application/geo+json; charset=utf-8')
        .header('content-disposition', `attachment; filename="buurtscan-${request.query.gemeente ?? 'nl'}-${request.query.level}.geojson"`)
        .send(JSON.stringify(await service.buurtscanGeoJson(request.readDb, checkScope(request.query), now(), app.db))),
  });

  app.get('/api/buurtscan.csv', {
    schema: { tags: ['buurtscan'], summary: 'The buurtscan as CSV: a row per area, a column per indicator', querystring: BuurtscanQuerySchema },
    config: app.limitedTo('buurtscan', 300),
    handler: async (request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="buurtscan-${request.query.gemeente ?? 'nl'}-${request.query.level}.csv"`)
        .send(await service.buurtscanCsv(request.readDb, checkScope(request.query), now(), app.db)),
  });

  app.get('/api/buurtscan/wijkanalyse/:code', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Wijkanalyse: a wijk’s strengths and weaknesses against its gemeente, its gaps, and the assets that carry it',
      params: AreaCodeParamsSchema,
      response: { 200: WijkanalyseSchema, ...errors },
    },
    handler: async (request) => service.wijkanalyse(request.readDb, request.params.code, now(), app.db),
  });

  app.get('/api/buurtscan/gaps', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Witte vlekken: buurten of a gemeente with no asset of a kind or category within a distance',
      querystring: GapsQuerySchema,
      response: { 200: GapsSchema, 400: ApiErrorSchema, 404: ApiErrorSchema },
    },
    handler: async (request) => service.gaps(request.readDb, request.query),
  });

  // Spreidingsbeleid: for analysts. The figures about people placed in a buurt are small
  // counts about vulnerable people; they and the scores built on them stay with analysts,
  // except the placements with small counts suppressed. Read on the primary: these are the
  // analysts' own working figures and weights, which they expect to see as just entered.

  app.get('/api/buurtscan/scores', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Draagkracht and draaglast per buurt, each with its parts (analysts)',
      querystring: ScoresQuerySchema,
      response: { 200: ScoresSchema, ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'analyse');
      return spreiding.scores(app.db, request.query, now());
    },
  });

  app.get('/api/buurtscan/weights', {
    schema: { tags: ['buurtscan'], summary: 'The weights of the score parts in force (analysts)', response: { 200: ScoreWeightsSchema, ...errors } },
    handler: async (request) => {
      requirePermission(request, 'analyse');
      return spreiding.weights(app.db);
    },
  });

  app.put('/api/buurtscan/weights', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Change weights of score parts (analysts); parts not named keep theirs; every change is kept',
      body: ScoreWeightsSchema,
      response: { 200: ScoreWeightsSchema, ...errors },
    },
    handler: async (request) => spreiding.setWeights(app.db, requirePermission(request, 'analyse'), request.body),
  });

  app.get('/api/buurtscan/placements', {
    schema: {
      tags: ['buurtscan'],
      summary: 'People placed from sheltered housing and shelter per buurt, wijk and gemeente: small counts suppressed for the public, exact for analysts',
      querystring: ScoresQuerySchema,
      response: { 200: PlacementsSchema, ...errors },
    },
    handler: async (request, reply) => {
      const exact = can(request.viewer?.roles, 'analyse');
      // One address, two answers: a cache must never hand the analysts' exact one to others.
      reply.header('vary', 'cookie');
      if (exact) reply.header('cache-control', 'private, no-store');
      return spreiding.placements(app.db, request.query, exact);
    },
  });

  app.get('/api/areas/:code/context', {
    schema: {
      tags: ['buurtscan'],
      summary: 'The figures a municipality entered for an area, with their history (analysts)',
      params: AreaCodeParamsSchema,
      response: { 200: AreaContextSchema, ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'analyse');
      return spreiding.areaContext(app.db, request.params.code);
    },
  });

  app.put('/api/areas/:code/context', {
    schema: {
      tags: ['buurtscan'],
      summary: 'Enter or correct figures for an area (analysts); null clears one; every change is kept',
      params: AreaCodeParamsSchema,
      body: ContextUpdateSchema,
      response: { 200: AreaContextSchema, ...errors },
    },
    handler: async (request) => spreiding.updateAreaContext(app.db, requirePermission(request, 'analyse'), request.params.code, request.body),
  });
};
