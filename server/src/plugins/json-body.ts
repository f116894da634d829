import fp from 'fastify-plugin';
import type { FastifyError } from 'fastify';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies as Fastify reads them, but refusing bytes that are not UTF-8. Fastify's own
 * parser decodes them leniently: each bad byte became U+FFFD, and an entry was stored with
 * replacement characters the person never typed (found by tests/fuzz/content-type.test.ts).
 * Refused, the client learns its encoding is wrong while it can still send the text again.
 */
export const jsonBodyPlugin = fp(
  async (app) => {
    // Fastify's defaults: __proto__ and constructor.prototype keys are refused.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      let text: string;
      try {
        text = strictUtf8.decode(body as Buffer);
      } catch {
        const error = new Error('The body is not valid UTF-8') as FastifyError;
        error.statusCode = 400;
        return done(error, undefined);
      }
      parseJson(request, text, done);
    });
  },
  { name: 'json-body' },
);
