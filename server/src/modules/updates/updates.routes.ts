import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AnnouncementCreateSchema,
  AnnouncementIdParamsSchema,
  AnnouncementSchema,
  AnnouncementUpdateSchema,
  ApiErrorSchema,
  AreaCodeParamsSchema,
  AreaUpdatesQuerySchema,
  AreaUpdatesSchema,
  FollowListSchema,
  FollowSchema,
} from '@kwartier/shared';
import { requirePermission, requireViewer } from '../../plugins/auth.ts';
import { updatesToAtom } from './atom.ts';
import * as service from './updates.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema };

/** How many entries the Atom feed carries. */
const FEED_ENTRIES = 50;

export type UpdatesRoutesOptions = { publicUrl: string };

/**
 * Buurt updates: what changed in an area, as JSON and as an Atom feed; announcements, which
 * those who keep the wijkagenda (professionals, analysts) publish; and the areas a person follows.
 */
export const updatesRoutes: FastifyPluginAsyncZod<UpdatesRoutesOptions> = async (app, { publicUrl }) => {
  app.get('/api/areas/:code/updates', {
    schema: {
      tags: ['updates'],
      summary: 'What changed in an area, newest first: published assets, agenda items, announcements',
      params: AreaCodeParamsSchema,
      querystring: AreaUpdatesQuerySchema,
      response: { 200: AreaUpdatesSchema, ...errors },
    },
    // Each entry is looked up on its own: generous for a page or a feed reader, not for a crawl.
    config: app.limitedTo('updates', 300),
    handler: async (request) => service.areaUpdates(app.db, request.params.code, request.query, request.viewer),
  });

  app.get('/feeds/:code.atom', {
    schema: { tags: ['updates'], summary: 'The same, as an Atom 1.0 feed', params: AreaCodeParamsSchema },
    config: app.limitedTo('feeds', 300),
    handler: async (request, reply) => {
      // As the public sees it, whoever asks: a feed reader is nobody in particular.
      const updates = await service.areaUpdates(app.db, request.params.code, { limit: FEED_ENTRIES }, null);
      const lastModified = new Date(updates.items[0]?.updated ?? 0);
      const body = updatesToAtom(updates, publicUrl, lastModified);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('cache-control', 'public, max-age=300');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.type('application/atom+xml; charset=utf-8').send(body);
    },
  });

  app.post('/api/announcements', {
    schema: { tags: ['updates'], summary: 'Publish an announcement for an area (professionals and analysts)', body: AnnouncementCreateSchema, response: { 201: AnnouncementSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await service.createAnnouncement(app.db, requirePermission(request, 'keepAgenda'), request.body)),
  });

  app.patch('/api/announcements/:id', {
    schema: {
      tags: ['updates'],
      summary: 'Change an announcement (its author or a moderator)',
      params: AnnouncementIdParamsSchema,
      body: AnnouncementUpdateSchema,
      response: { 200: AnnouncementSchema, ...errors },
    },
    handler: async (request) => service.updateAnnouncement(app.db, requireViewer(request), request.params.id, request.body),
  });

  app.post('/api/announcements/:id/withdraw', {
    schema: {
      tags: ['updates'],
      summary: 'Withdraw an announcement (its author or a moderator): it leaves the page and the feed, and its contact is forgotten',
      params: AnnouncementIdParamsSchema,
      response: { 200: AnnouncementSchema, ...errors },
    },
    handler: async (request) => service.withdrawAnnouncement(app.db, requireViewer(request), request.params.id),
  });

  app.get('/api/me/follows', {
    schema: { tags: ['updates'], summary: 'The areas I follow', response: { 200: FollowListSchema, ...errors } },
    handler: async (request) => ({ items: await service.follows(app.db, requireViewer(request)) }),
  });

  app.post('/api/me/follows/:code', {
    schema: { tags: ['updates'], summary: 'Follow an area: its changes come in a weekly e-mail', params: AreaCodeParamsSchema, response: { 201: FollowSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await service.follow(app.db, requireViewer(request), request.params.code)),
  });

  app.delete('/api/me/follows/:code', {
    schema: { tags: ['updates'], summary: 'Stop following an area', params: AreaCodeParamsSchema, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await service.unfollow(app.db, requireViewer(request), request.params.code);
      return reply.status(204).send(null);
    },
  });
};
