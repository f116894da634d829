import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  ApproveSchema,
  AssetCreateSchema,
  AssetIdParamsSchema,
  AssetUpdateSchema,
  AssetVersionSchema,
  ContactRequestAcceptSchema,
  ContactRequestCreateSchema,
  ContactRequestIdParamsSchema,
  ContactRequestListSchema,
  ContactRequestSchema,
  ManagedAssetPageSchema,
  ManagedAssetSchema,
  ModerationMessageSchema,
  ModerationQueueQuerySchema,
  MODERATION_DECISIONS,
  type ModerationDecision,
  ReportCreateSchema,
  ReportReceiptSchema,
  pageParams,
} from '@kwartier/shared';
import { requirePermission, requireViewer } from '../../plugins/auth.ts';
import * as service from './contributions.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema, 429: ApiErrorSchema };
const PageQuerySchema = z.object(pageParams(100, 50)).strict();

/**
 * Residents' contributions: submitting and editing entries, their history, reports and
 * contact requests, and the moderation of all of it. Each handler first checks who asks
 * (`requireViewer`, `requirePermission`); the service then checks ownership.
 */
export const contributionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/api/assets', {
    schema: {
      tags: ['contributions'],
      summary: 'Submit an entry (signed in): it is pending until a moderator approves it',
      body: AssetCreateSchema,
      response: { 201: ManagedAssetSchema, ...errors },
    },
    config: app.limitedTo('submit', 30, 'account'),
    handler: async (request, reply) => {
      const asset = await service.submitAsset(app.db, requireViewer(request), request.body);
      return reply.status(201).header('location', `/api/assets/${asset.id}`).send(asset);
    },
  });

  app.patch('/api/assets/:id', {
    schema: {
      tags: ['contributions'],
      summary: 'Change an entry (its author or a moderator); an author’s change to a public entry is reviewed again',
      params: AssetIdParamsSchema,
      body: AssetUpdateSchema,
      response: { 200: ManagedAssetSchema, ...errors },
    },
    config: app.limitedTo('submit', 30, 'account'),
    handler: async (request) => service.editAsset(app.db, requireViewer(request), request.params.id, request.body),
  });

  app.get('/api/assets/:id/full', {
    schema: {
      tags: ['contributions'],
      summary: 'The whole entry with its exact place and contact: for its author and moderators',
      params: AssetIdParamsSchema,
      response: { 200: ManagedAssetSchema, ...errors },
    },
    handler: async (request) => service.getManagedAsset(app.db, requireViewer(request), request.params.id),
  });

  app.get('/api/assets/:id/versions', {
    schema: {
      tags: ['contributions'],
      summary: 'Every change to an entry: what, who and when (its author and moderators)',
      params: AssetIdParamsSchema,
      response: { 200: z.object({ items: z.array(AssetVersionSchema) }), ...errors },
    },
    handler: async (request) => ({ items: await service.versionsOf(app.db, requireViewer(request), request.params.id) }),
  });

  app.post('/api/assets/:id/withdraw', {
    schema: {
      tags: ['contributions'],
      summary: 'Withdraw one’s own entry: it leaves the map and is kept, archived',
      params: AssetIdParamsSchema,
      response: { 200: ManagedAssetSchema, ...errors },
    },
    handler: async (request) => service.withdrawAsset(app.db, requireViewer(request), request.params.id),
  });

  app.post('/api/assets/:id/reports', {
    schema: {
      tags: ['contributions'],
      summary: 'Report a published entry (anyone); after 3 reports it is hidden until a moderator looks',
      params: AssetIdParamsSchema,
      body: ReportCreateSchema,
      response: { 202: ReportReceiptSchema, ...errors },
    },
    config: app.limitedTo('report', 20),
    handler: async (request, reply) => {
      const receipt = await service.reportAsset(app.db, { viewer: request.viewer, address: request.ip }, request.params.id, request.body);
      return reply.status(202).send(receipt);
    },
  });

  app.post('/api/assets/:id/contact-requests', {
    schema: {
      tags: ['contributions'],
      summary: 'Ask to get in touch with the person behind an entry; they accept or decline',
      params: AssetIdParamsSchema,
      body: ContactRequestCreateSchema,
      response: { 201: ContactRequestSchema, ...errors },
    },
    config: app.limitedTo('contact', 20, 'account'),
    handler: async (request, reply) =>
      reply.status(201).send(await service.requestContact(app.db, requireViewer(request), request.params.id, request.body)),
  });

  app.get('/api/me/assets', {
    schema: {
      tags: ['contributions'],
      summary: 'My entries, with their status and the moderator’s message',
      querystring: PageQuerySchema,
      response: { 200: ManagedAssetPageSchema, ...errors },
    },
    handler: async (request) => service.myAssets(app.db, requireViewer(request), request.query),
  });

  app.get('/api/me/contact-requests', {
    schema: {
      tags: ['contributions'],
      summary: 'Contact requests I sent and received',
      response: { 200: ContactRequestListSchema, ...errors },
    },
    handler: async (request) => ({ items: await service.contactRequestsOf(app.db, requireViewer(request)) }),
  });

  app.post('/api/contact-requests/:id/accept', {
    schema: {
      tags: ['contributions'],
      summary: 'Accept a contact request (the person asked), consenting to share name and e-mail address',
      params: ContactRequestIdParamsSchema,
      body: ContactRequestAcceptSchema,
      response: { 200: ContactRequestSchema, ...errors },
    },
    handler: async (request) =>
      service.decideContactRequest(app.db, requireViewer(request), request.params.id, 'accept', request.body.consent),
  });

  for (const decision of ['decline', 'withdraw'] as const) {
    app.post(`/api/contact-requests/:id/${decision}`, {
      schema: {
        tags: ['contributions'],
        summary: decision === 'decline' ? 'Decline a contact request (the person asked)' : 'Withdraw a contact request (either side): contact details are hidden again',
        params: ContactRequestIdParamsSchema,
        response: { 200: ContactRequestSchema, ...errors },
      },
      handler: async (request) => service.decideContactRequest(app.db, requireViewer(request), request.params.id, decision),
    });
  }

  // Moderation ------------------------------------------------------------------------------

  app.get('/api/moderation/queue', {
    schema: {
      tags: ['moderation'],
      summary: 'Entries waiting for a moderator, oldest first (pending, hidden after reports, changes requested)',
      querystring: ModerationQueueQuerySchema,
      response: { 200: ManagedAssetPageSchema, ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return service.moderationQueue(app.db, request.query);
    },
  });

  app.get('/api/moderation/assets/:id/reports', {
    schema: {
      tags: ['moderation'],
      summary: 'The open reports on an entry',
      params: AssetIdParamsSchema,
      response: {
        200: z.object({ items: z.array(z.object({ id: z.uuid(), reason: z.string(), message: z.string().nullable(), createdAt: z.iso.datetime() })) }),
        ...errors,
      },
    },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return { items: await service.reportsOf(app.db, request.params.id) };
    },
  });

  const summaries: Record<ModerationDecision, string> = {
    approve: 'Approve: the entry goes (back) on the map',
    request_changes: 'Ask the author for a change, with a message',
    reject: 'Reject, with a reason the author sees',
    archive: 'Archive: off the map, kept with its history',
  };
  const decisions = (Object.keys(MODERATION_DECISIONS) as ModerationDecision[]).map((decision) => ({
    decision,
    path: MODERATION_DECISIONS[decision].path,
    body: MODERATION_DECISIONS[decision].needsMessage ? ModerationMessageSchema : ApproveSchema.nullish(),
    summary: summaries[decision],
  }));
  for (const { path, decision, body, summary } of decisions) {
    app.post(`/api/moderation/assets/:id/${path}`, {
      schema: { tags: ['moderation'], summary, params: AssetIdParamsSchema, body, response: { 200: ManagedAssetSchema, ...errors } },
      handler: async (request) => {
        const moderator = requirePermission(request, 'moderate');
        const message = (request.body as { message?: string } | null | undefined)?.message;
        return service.moderate(app.db, moderator, request.params.id, decision, message ?? null);
      },
    });
  }
};
