import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import { clientNetwork } from '../lib/network.ts';

/**
 * Who a count is for: a client's network; a signed-in account (else the network); or a network
 * and the e-mail address it tries, so that people sharing a buurthuis' wifi do not lock each
 * other out of signing in.
 */
type Per = 'address' | 'account' | 'address-and-email';

declare module 'fastify' {
  interface FastifyInstance {
    /** Route config that limits a route to `max` requests per window, counted per `per`. */
    limitedTo(name: string, max: number, per?: Per): { rateLimit: object };
    /**
     * The same limit as a preHandler, for a route that needs two (a route's own `rateLimit`
     * config does not combine with a preHandler of its own).
     */
    limitHandler(name: string, max: number, per?: Per): preHandlerHookHandler;
  }
}

function keyFor(name: string, per: Per, request: FastifyRequest): string {
  const network = clientNetwork(request.ip);
  if (per === 'account' && request.viewer) return `${name}:account:${request.viewer.id}`;
  if (per === 'address-and-email') {
    const email = (request.body as { email?: unknown } | undefined)?.email;
    return `${name}:network:${network}:email:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
  }
  return `${name}:network:${network}`;
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
    app.decorate('limitedTo', (name: string, max: number, per: Per = 'address') => ({
      rateLimit: { max, timeWindow: windowSeconds * 1000, keyGenerator: (request: FastifyRequest) => keyFor(name, per, request) },
    }));
    app.decorate('limitHandler', (name: string, max: number, per: Per = 'address') =>
      app.rateLimit({ max, timeWindow: windowSeconds * 1000, keyGenerator: (request: FastifyRequest) => keyFor(name, per, request) }),
    );
  },
  { name: 'rate-limit', dependencies: ['auth'] },
);
