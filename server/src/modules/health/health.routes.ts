import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiErrorSchema } from '@kwartier/shared';
import { AppError } from '../../lib/errors.ts';

const StatusSchema = z.object({ status: z.literal('ok') });

/** /health: the process is up. /ready: it can serve, because the database answers. */
export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/health', {
    schema: { tags: ['health'], summary: 'The process is up', response: { 200: StatusSchema } },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/ready', {
    schema: {
      tags: ['health'],
      summary: 'The database answers',
      response: { 200: StatusSchema.extend({ database: z.enum(['pglite', 'postgres']) }), 503: ApiErrorSchema },
    },
    handler: async () => {
      if (!(await app.database.ping())) {
        throw new AppError('SERVICE_UNAVAILABLE', 503, 'The database does not answer');
      }
      return { status: 'ok' as const, database: app.database.backend };
    },
  });
};
