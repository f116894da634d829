import type { FastifyInstance } from 'fastify';

/** The largest file an import takes, CSV, GeoJSON or GeoPackage. */
export const UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024;

/**
 * Makes the routes of one plugin take files as bytes: the importer reads them as they are
 * (a BOM, Windows-1252, a GeoPackage), where the app's JSON parser would refuse or change
 * them. Fastify keeps this to the plugin that calls it; every other route parses JSON as before.
 */
export function acceptUploads(app: FastifyInstance, contentTypes: string[]): void {
  if (contentTypes.includes('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser(contentTypes, { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT_BYTES }, (_request, body, done) => done(null, body));
}
