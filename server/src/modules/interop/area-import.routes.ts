import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiErrorSchema, AreaImportQuerySchema, AreaImportReportSchema } from '@kwartier/shared';
import { invalid } from '../../lib/errors.ts';
import { acceptUploads } from '../../lib/uploads.ts';
import { requirePermission } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { parseAreaFile, readCbsAreas, replaceAreas } from './area-import.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema };

/** CBS wijk- en buurtkaart files, for admins: a year's areas of the gemeenten in the file, replaced. */
export const areaImportRoutes: FastifyPluginAsyncZod = async (app) => {
  acceptUploads(app, ['application/geo+json', 'application/json', 'application/geopackage+sqlite3', 'application/octet-stream']);

  app.post('/api/areas/import', {
    schema: {
      tags: ['areas'],
      summary: 'Load a CBS wijk- en buurtkaart file (GeoJSON in WGS84 or RD New, or a GeoPackage) for a year: replaces that year’s areas of its gemeenten (admins)',
      querystring: AreaImportQuerySchema,
      response: { 200: AreaImportReportSchema, ...errors },
    },
    handler: async (request) => {
      const admin = requirePermission(request, 'manageAreas');
      const bytes = request.body instanceof Buffer ? request.body : null;
      if (!bytes || bytes.length === 0) throw invalid([{ field: 'body', message: 'send the GeoJSON file as the request body' }]);
      const { year, dryRun, source = `cbs-wijkbuurtkaart-${year}` } = request.query;
      const parsed = await parseAreaFile(bytes);
      if (!('features' in parsed)) return { year, areas: 0, byLevel: { gemeente: 0, wijk: 0, buurt: 0 }, created: 0, replaced: 0, removed: [], problems: [parsed], committed: false, assetsRederived: 0 };
      const file = readCbsAreas(parsed, { year, source });
      return app.db.transaction().execute(async (trx) => {
        const report = await replaceAreas(trx, file, { year, dryRun });
        if (report.committed) {
          await recordAudit(trx, { action: 'areas.import', outcome: 'success', actorId: admin.id, details: { year, areas: report.areas, removed: report.removed.length } });
        }
        return report;
      });
    },
  });
};
