import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.ts';
import { dbPlugin, type Database } from './plugins/db.ts';
import { errorsPlugin, sendClientError } from './plugins/errors.ts';
import { jsonBodyPlugin } from './plugins/json-body.ts';
import { securityPlugin } from './plugins/security.ts';
import { authPlugin } from './plugins/auth.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { createMailer, type Mailer } from './lib/mailer.ts';
import { accountRoutes } from './modules/accounts/accounts.routes.ts';
import { contributionRoutes } from './modules/contributions/contributions.routes.ts';
import { matchingRoutes } from './modules/matching/matching.routes.ts';
import { buurtscanRoutes } from './modules/buurtscan/buurtscan.routes.ts';
import { agendaRoutes } from './modules/agenda/agenda.routes.ts';
import { updatesRoutes } from './modules/updates/updates.routes.ts';
import { hsdsRoutes } from './modules/interop/hsds.routes.ts';
import { importRoutes } from './modules/interop/import.routes.ts';
import { hsdsImportRoutes } from './modules/interop/hsds-import.routes.ts';
import { exportRoutes } from './modules/interop/export.routes.ts';
import { areaImportRoutes } from './modules/interop/area-import.routes.ts';
import { webPlugin } from './plugins/web.ts';
import { docsPlugin } from './plugins/docs.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { assetRoutes } from './modules/assets/assets.routes.ts';
import { areaRoutes } from './modules/areas/areas.routes.ts';
import { tileRoutes } from './modules/tiles/tiles.routes.ts';
import { placeRoutes } from './modules/places/places.routes.ts';
import { clientConfigRoutes } from './modules/health/client-config.routes.ts';
import { embedRoutes } from './modules/embed/embed.routes.ts';

export type AppOptions = {
  /** An already open database; tests share one. Without it the app opens its own. */
  database?: Database;
  /** The clock, for "open now"; tests set it. */
  now?: () => Date;
  /** Where log lines go (standard output by default); tests read them. */
  logStream?: NodeJS.WritableStream;
  /** How mail is sent; by default from SMTP_URL (see lib/mailer.ts). */
  mailer?: Mailer;
};

/**
 * Logs a request by its method and path only: a query string can hold a client's location
 * (nearby search) or a name typed into search, and logs are no place for either.
 */
const requestSerializer = (request: { method: string; url: string; id: string }) => ({
  id: request.id,
  method: request.method,
  path: request.url.split('?')[0],
});

/**
 * TRUST_PROXY for Fastify. A number of proxies is "trust the first n hops"; Fastify does the
 * same for a number, but its types take only the function form.
 */
function trustProxyOption(setting: Config['trustProxy']) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      serializers: { req: requestSerializer },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: 256 * 1024,
    // A first start of the embedded database takes 15 s or more where the app opens it itself.
    pluginTimeout: 120_000,
    trustProxy: trustProxyOption(config.trustProxy),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: (error, request, reply) => sendClientError(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The API speaks JSON only; Fastify's default text/plain parser would let a string through
  // to validation, where "expected object" says less than 415 does.
  app.removeContentTypeParser('text/plain');

  // The order of the app, in one place: plugins first, then the domain modules.
  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(securityPlugin, { externalBasemap: config.mapStyleUrl !== null });
  await app.register(dbPlugin, { config, ...(options.database ? { database: options.database } : {}) });
  await app.register(authPlugin, { publicUrl: config.publicUrl });
  await app.register(rateLimitPlugin, { windowSeconds: config.rateLimitWindowSeconds });
  await app.register(docsPlugin);

  await app.register(healthRoutes);
  const now = options.now ?? (() => new Date());
  const mailer = options.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, env: config.env }, app.log);
  await app.register(accountRoutes, { mailer, publicUrl: config.publicUrl });
  await app.register(assetRoutes, { now });
  // Submitting, editing and moderating assets: writes to /api/assets live here, with the
  // checks of who may do what.
  await app.register(contributionRoutes);
  await app.register(matchingRoutes);
  await app.register(areaRoutes);
  await app.register(buurtscanRoutes, { now });
  await app.register(agendaRoutes);
  await app.register(updatesRoutes, { publicUrl: config.publicUrl });
  await app.register(importRoutes);
  await app.register(hsdsImportRoutes);
  await app.register(exportRoutes);
  await app.register(areaImportRoutes);
  await app.register(tileRoutes, { now, cacheBytes: config.tileCacheBytes });
  await app.register(placeRoutes, { locatieserverUrl: config.locatieserverUrl });
  await app.register(hsdsRoutes, { locatieserverUrl: config.locatieserverUrl });
  await app.register(clientConfigRoutes, { mapStyleUrl: config.mapStyleUrl });
  // The embeddable map for other sites: its own page, frameable, without cookies.
  await app.register(embedRoutes);

  await app.register(webPlugin);
  return app;
}
