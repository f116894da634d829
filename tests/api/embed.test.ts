import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildWebIfNeeded } from '../../server/src/lib/web-build.ts';
import { buildTestApp, ensureDemoAreas } from '../helpers/app.ts';

/**
 * The embeddable map's page (GET /embed): any site may frame it, it sets no cookie, and a bad
 * filter is a 400 page naming the parameter. Every other page stays unframeable.
 */
let app: FastifyInstance;

beforeAll(async () => {
  buildWebIfNeeded({ info: () => {} });
  await ensureDemoAreas();
  app = await buildTestApp();
}, 180_000);
afterAll(() => app?.close());

const directive = (csp: string | undefined, name: string) => csp?.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `));

describe('GET /embed', () => {
  it('may be framed by any site, and sets no cookie, also for a signed-in visitor', async () => {
    for (const headers of [{}, { cookie: 'kw_session=abcdefabcdefabcdefabcdef' }]) {
      const response = await app.inject({ url: '/embed?area=GM0546&kind=initiative&lang=en', headers });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      const csp = response.headers['content-security-policy'] as string;
      expect(directive(csp, 'frame-ancestors')).toBe('frame-ancestors *');
      expect(directive(csp, 'connect-src')).toBe("connect-src 'self'");
      expect(response.headers['x-frame-options']).toBeUndefined();
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(response.body).toContain('<html lang="en"');
    }
  });

  it('leaves every other page unframeable', async () => {
    for (const url of ['/', '/api/assets', '/docs', '/embed.html']) {
      const response = await app.inject({ url });
      expect(directive(response.headers['content-security-policy'] as string, 'frame-ancestors'), url).toBe("frame-ancestors 'none'");
    }
    const home = await app.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('is only at /embed: the built file itself is not served', async () => {
    expect((await app.inject({ url: '/embed.html' })).statusCode).toBe(404);
  });

  it('allows no other host, even when the app has a remote basemap', async () => {
    const withBasemap = await buildTestApp({ env: { MAP_STYLE_URL: 'https://tiles.example.org/style.json' } });
    const app = (await withBasemap.inject({ url: '/' })).headers['content-security-policy'] as string;
    const embed = (await withBasemap.inject({ url: '/embed' })).headers['content-security-policy'] as string;
    expect(directive(app, 'connect-src')).toContain('https:');
    expect(embed).not.toContain('https:');
    await withBasemap.close();
  });

  it.each([
    ['kind=dragon', 'kind'],
    ['inclusion=wheelchair_access,teleport', 'inclusion'],
    ['kinds=initiative', 'kinds'],
    ['lang=de', 'lang'],
    ['area=GM054', 'area'],
    ['area=GM9999', 'area'],
    ['openNow=maybe', 'openNow'],
  ])('a bad parameter (%s) is a 400 page that names it, shown in the frame', async (query, parameter) => {
    const response = await app.inject({ url: `/embed?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain(`<code>${parameter}</code>`);
    expect(directive(response.headers['content-security-policy'] as string, 'frame-ancestors')).toBe('frame-ancestors *');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('speaks the language of the code, else of the browser, else Dutch', async () => {
    const lang = async (query: string, acceptLanguage?: string) => {
      const response = await app.inject({ url: `/embed${query}`, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
      expect(response.headers.vary).toContain('accept-language');
      return /<html lang="([a-z]+)"/.exec(response.body)?.[1];
    };
    expect(await lang('')).toBe('nl');
    expect(await lang('', 'en-GB,en;q=0.9')).toBe('en');
    expect(await lang('', 'de-DE,de;q=0.9,en;q=0.5,nl;q=0.4')).toBe('en');
    expect(await lang('', 'fr-FR')).toBe('nl');
    expect(await lang('?lang=nl', 'en-GB')).toBe('nl');
    expect(await lang('?lang=en', 'nl-NL')).toBe('en');
    // The error page too.
    expect((await app.inject({ url: '/embed?kind=x', headers: { 'accept-language': 'en' } })).body).toContain('This map cannot be shown');
  });
});
