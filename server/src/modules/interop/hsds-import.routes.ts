import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, HsdsImportQuerySchema, ImportReportSchema } from '@kwartier/shared';
import { invalid } from '../../lib/errors.ts';
import { acceptUploads } from '../../lib/uploads.ts';
import { requirePermission } from '../../plugins/auth.ts';
import { hsdsDryRun, hsdsImport } from './hsds-import.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema };

/** Import of an Open Referral HSDS 3.0 dataset (JSON), for moderators. */
export const hsdsImportRoutes: FastifyPluginAsyncZod = async (app) => {
  // This plugin's own body parsing (scoped to its routes): the dataset as bytes, read here, so
  // that a body that is not JSON is answered in the words of this import.
  acceptUploads(app, ['application/json', 'application/octet-stream']);

  app.post('/api/imports/hsds', {
    schema: {
      tags: ['import'],
      summary:
        'Import an HSDS 3.0 dataset (the request body: a service, service_at_location, organization, a page of them, or a dataset with services) ' +
        'as assets of the source hsds:<source> (moderators). With dryRun=true: the report, nothing written. Otherwise all or nothing: ' +
        'a dataset with errors is refused (400); `defaultCategory` fills the category where the attributes name none of ours, and ' +
        '`fallbackArea` places services without a Dutch location at the centre of that area.',
      querystring: HsdsImportQuerySchema,
      response: { 200: ImportReportSchema, ...errors },
    },
    handler: async (request) => {
      const actor = requirePermission(request, 'moderate');
      const bytes = request.body instanceof Buffer ? request.body : null;
      if (!bytes || bytes.length === 0) throw invalid([{ field: 'body', message: 'send the HSDS dataset as the request body (Content-Type application/json)' }]);
      let dataset: unknown;
      try {
        dataset = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        throw invalid([{ field: 'body', message: 'expected JSON' }]);
      }
      const { dryRun, ...options } = request.query;
      return dryRun ? hsdsDryRun(app.db, dataset, options) : hsdsImport(app.db, actor, dataset, options);
    },
  });
};
