import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ApiErrorSchema,
  ImportMappingSchema,
  ImportQuerySchema,
  ImportReportSchema,
  ImportRunSchema,
  MappingNameSchema,
} from '@kwartier/shared';
import { AppError, invalid, invalidInput } from '../../lib/errors.ts';
import { unstorableInput } from '../../lib/unstorable.ts';
import { acceptUploads } from '../../lib/uploads.ts';
import { requirePermission } from '../../plugins/auth.ts';
import * as service from './import.service.ts';

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema };

/** Files people upload: CSV and GeoJSON, read as bytes so the importer sees them as they are. */
const UPLOAD_TYPES = ['text/csv', 'application/geo+json', 'application/json', 'application/octet-stream'];
const MAPPING_LIMIT_BYTES = 256 * 1024;

/** Imports of assets through saved mappings: for moderators and admins. */
export const importRoutes: FastifyPluginAsyncZod = async (app) => {
  // This plugin's own body parsing (Fastify scopes it to these routes): the file as bytes.
  acceptUploads(app, UPLOAD_TYPES);

  app.addHook('onReady', async () => {
    const failed = await service.failInterruptedRuns(app.db);
    if (failed > 0) app.log.warn({ failed }, 'import runs interrupted by a stop were marked failed; they wrote nothing');
  });

  app.get('/api/import-mappings', {
    schema: { tags: ['import'], summary: 'Saved import mappings (moderators)', response: { 200: z.object({ mappings: z.array(ImportMappingSchema) }), ...errors } },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return { mappings: await service.listMappings(app.db) };
    },
  });

  app.get('/api/import-mappings/:name', {
    schema: { tags: ['import'], summary: 'One mapping, saved or built in (moderators)', params: z.object({ name: MappingNameSchema }).strict(), response: { 200: ImportMappingSchema, ...errors } },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return service.resolveMapping(app.db, request.params.name);
    },
  });

  app.put('/api/import-mappings/:name', {
    schema: {
      tags: ['import'],
      summary: 'Save a mapping under its name (moderators)',
      params: z.object({ name: MappingNameSchema }).strict(),
      body: z.unknown(),
      response: { 200: ImportMappingSchema, ...errors },
    },
    handler: async (request) => {
      const actor = requirePermission(request, 'moderate');
      // The body arrives as bytes (see the parser above), allowed to be as large as an upload;
      // a mapping is a few kilobytes.
      if (request.body instanceof Buffer && request.body.length > MAPPING_LIMIT_BYTES) {
        throw new AppError('PAYLOAD_TOO_LARGE', 413, `A mapping is at most ${MAPPING_LIMIT_BYTES / 1024} KB`);
      }
      const parsed = ImportMappingSchema.safeParse(parseJsonBody(request.body));
      if (!parsed.success) throw invalidInput('body', parsed.error.issues);
      if (parsed.data.name !== request.params.name) throw invalid([{ field: 'body.name', message: 'must be the name in the address' }]);
      return service.saveMapping(app.db, actor, parsed.data);
    },
  });

  app.post('/api/imports', {
    schema: {
      tags: ['import'],
      summary:
        'Import a file (the request body: CSV or GeoJSON) through a saved mapping (moderators). With dryRun=true: the report, nothing written. ' +
        'Otherwise the import starts (202) when the file has no errors, and GET /api/imports/{id} follows it; a file with errors is refused as a whole (400).',
      querystring: ImportQuerySchema,
      response: { 200: ImportReportSchema, 202: z.object({ id: z.uuid() }), ...errors },
    },
    handler: async (request, reply) => {
      const actor = requirePermission(request, 'moderate');
      const bytes = request.body instanceof Buffer ? request.body : null;
      if (!bytes || bytes.length === 0) throw invalid([{ field: 'body', message: 'send the file as the request body (Content-Type text/csv or application/geo+json)' }]);
      const { mapping, dryRun, archiveDisappeared, fileName } = request.query;
      const importRequest = { mappingName: mapping, bytes, fileName, archiveDisappeared };
      if (dryRun) return service.dryRun(app.db, importRequest);
      const { runId } = await service.startImport(app.db, actor, importRequest, { wait: false, log: request.log });
      return reply.status(202).send({ id: runId });
    },
  });

  app.get('/api/imports', {
    schema: { tags: ['import'], summary: 'The history of imports (moderators)', response: { 200: z.object({ runs: z.array(ImportRunSchema) }), ...errors } },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return { runs: await service.listRuns(app.db) };
    },
  });

  app.get('/api/imports/:id', {
    schema: {
      tags: ['import'],
      summary: 'One import: its progress while it runs, its report when it is done (moderators)',
      params: z.object({ id: z.uuid({ message: 'expected an import id (a UUID)' }) }).strict(),
      response: { 200: ImportRunSchema.extend({ report: ImportReportSchema.nullable() }), ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'moderate');
      return service.getRun(app.db, request.params.id);
    },
  });
};

/** JSON from the raw body, held to the same rules as every other JSON body (see plugins/security.ts). */
function parseJsonBody(body: unknown): unknown {
  if (!(body instanceof Buffer)) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalid([{ field: 'body', message: 'expected JSON' }]);
  }
  const problems = unstorableInput(parsed, 'body');
  if (problems.length > 0) throw invalid(problems);
  return parsed;
}
