import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** What the web app needs to know of the server's configuration; nothing secret. */
export const clientConfigRoutes: FastifyPluginAsyncZod<{ mapStyleUrl: string | null }> = async (app, { mapStyleUrl }) => {
  app.get('/api/client-config', {
    schema: {
      tags: ['health'],
      summary: 'Settings for the web app: the basemap style, if one is configured',
      response: { 200: z.object({ mapStyleUrl: z.string().nullable() }) },
    },
    handler: async () => ({ mapStyleUrl }),
  });
};
