import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  AskMatchListSchema,
  AskParamsSchema,
  ClientSearchSchema,
  MatchAcceptSchema,
  MatchCreateSchema,
  MatchIdParamsSchema,
  MatchListSchema,
  MatchSchema,
  MatchSearchQuerySchema,
  MatchVersionListSchema,
  TalentCandidateListSchema,
  TalentIdParamsSchema,
  TalentProfileResultSchema,
  TalentProfileSchema,
} from '@kwartier/shared';
import { requirePermission, requireViewer } from '../../plugins/auth.ts';
import * as service from './matching.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema, 429: ApiErrorSchema };

/**
 * Matching offers and asks: what fits a talent or a client, which talents fit an ask (without
 * saying who or where they are), and proposals that both sides answer before they see each
 * other's name and e-mail address. Handlers check who asks; the service checks ownership.
 */
export const matchingRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/matching/talents/:id/asks', {
    schema: {
      tags: ['matching'],
      summary: 'Asks near a talent that fit it, best first, with reasons and a score (the talent’s owner and moderators)',
      params: TalentIdParamsSchema,
      querystring: MatchSearchQuerySchema,
      response: { 200: AskMatchListSchema, ...errors },
    },
    handler: async (request) => service.asksForTalent(app.db, requireViewer(request), request.params.id, request.query),
  });

  app.put('/api/matching/talents/:id/profile', {
    schema: {
      tags: ['matching'],
      summary: 'Set a talent’s skills, availability and the inclusion features its person needs (its owner; no new review)',
      params: TalentIdParamsSchema,
      body: TalentProfileSchema,
      response: { 200: TalentProfileResultSchema, ...errors },
    },
    config: app.limitedTo('submit', 30, 'account'),
    handler: async (request) => service.setTalentProfile(app.db, requireViewer(request), request.params.id, request.body),
  });

  app.post('/api/matching/client-asks', {
    schema: {
      tags: ['matching'],
      summary: 'Asks that fit a client of a professional, described in the body and never stored (professionals)',
      body: ClientSearchSchema,
      response: { 200: AskMatchListSchema, ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'matchOnBehalf');
      return service.asksForClient(app.db, request.body);
    },
  });

  app.get('/api/matching/assets/:id/asks/:askIndex/talents', {
    schema: {
      tags: ['matching'],
      summary:
        'Talents that fit an ask, anonymous: category, skills, distance band, whether times overlap; none when fewer than 5 fit (professionals, the asset’s owner)',
      params: AskParamsSchema,
      querystring: MatchSearchQuerySchema,
      response: { 200: TalentCandidateListSchema, ...errors },
    },
    config: app.limitedTo('matching-candidates', 60, 'account'),
    handler: async (request) =>
      service.talentsForAsk(app.db, requireViewer(request), request.params.id, request.params.askIndex, request.query),
  });

  app.post('/api/matches', {
    schema: {
      tags: ['matching'],
      summary: 'Propose a match between a talent (or a client) and an ask; the other side accepts or declines',
      body: MatchCreateSchema,
      response: { 201: MatchSchema, ...errors },
    },
    config: app.limitedTo('contact', 20, 'account'),
    handler: async (request, reply) => reply.status(201).send(await service.proposeMatch(app.db, requireViewer(request), request.body)),
  });

  app.get('/api/me/matches', {
    schema: { tags: ['matching'], summary: 'The matches I am part of', response: { 200: MatchListSchema, ...errors } },
    handler: async (request) => ({ items: await service.matchesOf(app.db, requireViewer(request)) }),
  });

  app.get('/api/matches/:id', {
    schema: { tags: ['matching'], summary: 'One match (its sides and its proposer)', params: MatchIdParamsSchema, response: { 200: MatchSchema, ...errors } },
    handler: async (request) => service.getMatch(app.db, requireViewer(request), request.params.id),
  });

  app.get('/api/matches/:id/versions', {
    schema: {
      tags: ['matching'],
      summary: 'Every change of state of a match: what, which side, when',
      params: MatchIdParamsSchema,
      response: { 200: MatchVersionListSchema, ...errors },
    },
    handler: async (request) => ({ items: await service.versionsOfMatch(app.db, requireViewer(request), request.params.id) }),
  });

  app.post('/api/matches/:id/accept', {
    schema: {
      tags: ['matching'],
      summary: 'Accept a match (the side asked), consenting to share name and e-mail address once both agreed',
      params: MatchIdParamsSchema,
      body: MatchAcceptSchema,
      response: { 200: MatchSchema, ...errors },
    },
    handler: async (request) => service.decideMatch(app.db, requireViewer(request), request.params.id, 'accept', request.body.consent),
  });

  for (const decision of ['decline', 'withdraw'] as const) {
    app.post(`/api/matches/:id/${decision}`, {
      schema: {
        tags: ['matching'],
        summary: decision === 'decline' ? 'Decline a match (the side asked)' : 'Withdraw from a match (either side or its proposer): contact details are hidden again',
        params: MatchIdParamsSchema,
        response: { 200: MatchSchema, ...errors },
      },
      handler: async (request) => service.decideMatch(app.db, requireViewer(request), request.params.id, decision),
    });
  }
};
