import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { clientNetwork } from '../lib/network.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Route config that limits a route to `max` requests per window, per client or per account. */
    limitedTo(name: string, max: number, per?: 'address' | 'account'): { rateLimit: object };
  }
}

/**
 * Limits on the routes people could abuse: sign-in, sign-up, password reset, submissions and
 * reports. A client is counted by its network (its IPv4 address, or its IPv6 /64) from
 * `request.ip`, which Fastify takes from X-Forwarded-For only for the proxies TRUST_PROXY
 * names, so a header a client makes up does not give it a fresh count. A signed-in person's submissions count per account, wherever they come from.
 * Over the limit: 429 with Retry-After. The counts live in this process (see the README on
 * running several processes).
 */
export const rateLimitPlugin = fp<{ windowSeconds: number }>(
  async (app, { windowSeconds }) => {
    await app.register(rateLimit, { global: false, hook: 'preHandler' });
    app.decorate('limitedTo', (name: string, max: number, per: 'address' | 'account' = 'address') => ({
      rateLimit: {
        max,
        timeWindow: windowSeconds * 1000,
        keyGenerator: (request: FastifyRequest) =>
          per === 'account' && request.viewer ? `${name}:account:${request.viewer.id}` : `${name}:network:${clientNetwork(request.ip)}`,
      },
    }));
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
