import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { AppError } from '../../lib/errors.ts';
import { embedContentSecurityPolicy } from '../../plugins/security.ts';
import * as areas from '../areas/areas.service.ts';
import { EmbedQuerySchema, languageFromAcceptLanguage, type EmbedLanguage } from './embed.schema.ts';
import { embedPage, errorPage, unavailablePage, type ParameterProblem } from './embed.page.ts';

/** Every problem of a query, by the parameter it is in: an unknown parameter is named too. */
function problemsOf(error: z.ZodError): ParameterProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ parameter: key, message: 'unknown parameter' }))
      : [{ parameter: String(issue.path[0] ?? 'query'), message: issue.message }],
  );
}

/**
 * Any site may frame the embed (frame-ancestors *, no X-Frame-Options, CORP cross-origin for
 * sites that require it); every other page of Kwartier stays frame-ancestors 'none'. Nothing
 * here sets a cookie, and the page's CSP allows no other host than Kwartier.
 */
function embedHeaders(reply: FastifyReply) {
  reply.removeHeader('x-frame-options');
  return reply
    .header('content-security-policy', embedContentSecurityPolicy())
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('cache-control', 'no-cache')
    .header('vary', 'accept-language')
    .type('text/html; charset=utf-8');
}

export const embedRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/embed', {
    schema: {
      tags: ['embed'],
      summary: 'The embeddable map and list, for an iframe on another site',
      description:
        'A page with a map and a list of the published assets that match the filters of the query, in Dutch or English. ' +
        'Frameable by any site; no sign-in, no cookies, and no request to any host but this one. A bad parameter gives a 400 page that names it. ' +
        'The map uses the built-in offline style even when MAP_STYLE_URL names a basemap: a basemap provider would otherwise be sent every visitor of the embedding site.',
      querystring: EmbedQuerySchema,
    },
    // A bad parameter is shown as a page in the frame, not as the API's JSON error.
    attachValidation: true,
    handler: async (request, reply) => {
      const raw = request.query as Record<string, unknown>;
      const asked = raw.lang === 'nl' || raw.lang === 'en' ? (raw.lang as EmbedLanguage) : null;
      const language = asked ?? languageFromAcceptLanguage(request.headers['accept-language']);
      embedHeaders(reply);
      if (request.validationError) {
        const parsed = EmbedQuerySchema.safeParse(raw);
        const problems = parsed.success ? [{ parameter: 'query', message: request.validationError.message }] : problemsOf(parsed.error);
        return reply.status(400).send(errorPage(language, problems));
      }
      const unknownAreas: ParameterProblem[] = [];
      for (const code of request.query.area ?? []) {
        try {
          await areas.getArea(app.db, code);
        } catch (err) {
          if (!(err instanceof AppError && err.statusCode === 404)) throw err;
          unknownAreas.push({ parameter: 'area', message: language === 'nl' ? `${code} is geen bekend gebied` : `${code} is not a known area` });
        }
      }
      if (unknownAreas.length > 0) return reply.status(400).send(errorPage(language, unknownAreas));
      const html = await embedPage(language);
      if (html === null) return reply.status(503).send(unavailablePage(language));
      return reply.send(html);
    },
  });
};
