import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI 3, generated from the same zod schemas that validate the requests, at /docs. */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Kwartier API',
          version: '0.1.0',
          description:
            'Kwartier: the social map and asset map (ABCD) for een buurt voor iedereen. ' +
            'Assets (facilities, associations, initiatives, talents, businesses, contact points, public spaces) ' +
            'and CBS areas (gemeente, wijk, buurt). Area data: Bron: CBS, Kadaster (CC BY 4.0). ' +
            'Signing in sets an HttpOnly session cookie; every POST, PATCH, PUT and DELETE made with it must send the ' +
            'session\'s CSRF token (from GET /api/auth/session) in the x-csrf-token header.',
        },
        tags: [
          { name: 'assets', description: 'Hulpbronnen: what helps people in a buurt' },
          { name: 'contributions', description: 'Submitting and editing entries, reports and contact requests (signed in)' },
          { name: 'moderation', description: 'The moderation queue and decisions (moderators)' },
          { name: 'accounts', description: 'Sign-up, sign-in, password reset, one’s own data' },
          { name: 'admin', description: 'Roles and the audit log (admins)' },
          { name: 'areas', description: 'CBS gemeenten, wijken and buurten' },
          { name: 'buurtscan', description: 'Indicators per buurt, wijk and gemeente; witte vlekken; spreidingsbeleid' },
          { name: 'agenda', description: 'The sociale wijkagenda' },
          { name: 'import', description: 'Importing CSV and GeoJSON through saved mappings (moderators)' },
          { name: 'export', description: 'The assets as GeoJSON and CSV, for the caller’s role' },
          { name: 'hsds', description: 'Open Referral HSDS 3.0.1: services, organizations, locations and our taxonomy, public data only' },
          { name: 'updates', description: 'What changed in an area (JSON and Atom), announcements, following an area' },
          { name: 'matching', description: 'Talents matched with asks: anonymous candidates, proposals, consent, contact after both accept' },
          { name: 'embed', description: 'The embeddable map for other websites' },
          { name: 'tiles', description: 'Vector tiles for the map' },
          { name: 'health', description: 'Liveness and readiness' },
        ],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
