import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AgendaItemCreateSchema,
  AgendaItemIdParamsSchema,
  AgendaItemSchema,
  AgendaItemUpdateSchema,
  AgendaQuerySchema,
  AgendaSuggestionSchema,
  AgendaSuggestionsQuerySchema,
  ApiErrorSchema,
} from '@kwartier/shared';
import { requirePermission } from '../../plugins/auth.ts';
import * as service from './agenda.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema };

/** The sociale wijkagenda: public to read, kept by professionals and analysts. */
export const agendaRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/agenda', {
    schema: { tags: ['agenda'], summary: 'Agenda items of an area and the areas in it', querystring: AgendaQuerySchema, response: { 200: z.object({ items: z.array(AgendaItemSchema) }), ...errors } },
    handler: async (request) => ({ items: await service.listItems(app.db, request.query) }),
  });

  app.get('/api/agenda.csv', {
    schema: { tags: ['agenda'], summary: 'The same, as CSV', querystring: AgendaQuerySchema },
    handler: async (request, reply) => {
      const csv = service.itemsToCsv(await service.listItems(app.db, request.query));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="wijkagenda-${request.query.area ?? 'alles'}.csv"`)
        .send(csv);
    },
  });

  app.get('/api/agenda/suggestions', {
    schema: {
      tags: ['agenda'],
      summary: 'Agenda items suggested from the measured gaps of a gemeente (professionals and analysts)',
      querystring: AgendaSuggestionsQuerySchema,
      response: { 200: z.object({ items: z.array(AgendaSuggestionSchema) }), ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'keepAgenda');
      return service.suggestions(app.db, request.query.gemeente);
    },
  });

  app.post('/api/agenda', {
    schema: { tags: ['agenda'], summary: 'Add an agenda item (professionals and analysts)', body: AgendaItemCreateSchema, response: { 201: AgendaItemSchema, ...errors } },
    handler: async (request, reply) => reply.status(201).send(await service.createItem(app.db, requirePermission(request, 'keepAgenda'), request.body)),
  });

  app.patch('/api/agenda/:id', {
    schema: {
      tags: ['agenda'],
      summary: 'Change an agenda item (professionals and analysts)',
      params: AgendaItemIdParamsSchema,
      body: AgendaItemUpdateSchema,
      response: { 200: AgendaItemSchema, ...errors },
    },
    handler: async (request) => service.updateItem(app.db, requirePermission(request, 'keepAgenda'), request.params.id, request.body),
  });
};
