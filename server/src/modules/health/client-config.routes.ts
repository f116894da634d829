import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publishedExtent } from '../assets/assets.repository.ts';

/** What the web app needs to know of the server: the basemap, and where the data is. */
export const clientConfigRoutes: FastifyPluginAsyncZod<{ mapStyleUrl: string | null }> = async (app, { mapStyleUrl }) => {
  app.get('/api/client-config', {
    schema: {
      tags: ['health'],
      summary: 'Settings for the web app: the basemap style, if one is configured, and the extent of the published assets',
      response: {
        200: z.object({
          mapStyleUrl: z.string().nullable(),
          dataBounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
        }),
      },
    },
    handler: async () => ({ mapStyleUrl, dataBounds: await publishedExtent(app.db) }),
  });
};
