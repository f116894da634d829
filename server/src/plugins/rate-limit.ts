import { createHmac } from 'node:crypto';
import fp from 'fastify-plugin';
import rateLimit, { type FastifyRateLimitStore, type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { clientNetwork } from '../lib/network.ts';
import { AppError } from '../lib/errors.ts';
import { newToken } from '../lib/tokens.ts';
import { appSecret } from '../modules/accounts/accounts.repository.ts';
import { countHit, deleteEndedWindows } from '../modules/rate-limits/rate-limits.repository.ts';

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

/** Ended windows are deleted at most this often; a count past its window restarts at 1 anyway. */
const CLEANUP_EVERY_MS = 5 * 60_000;

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
 * Each route keeps counts of its own, as @fastify/rate-limit's in-memory store did (a name
 * such as "submit" on three routes is three budgets). Every process registers the same
 * routes, so they agree on the key.
 */
function routeScope(options: unknown): string {
  const route = (options as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
  return route?.url === undefined ? '' : `${String(route.method)} ${String(route.url)}|`;
}

/**
 * What the table keeps of a key: a keyed hash (the app's own secret, the same for every
 * process), because a key holds an address, an e-mail address or an account id, none of which
 * belongs in the database for this. The secret never changes once stored, so one read is kept.
 */
function keyHasher(db: Kysely<DB>): (key: string) => Promise<string> {
  let secret: Promise<string> | undefined;
  return async (key) => {
    secret ??= appSecret(db, 'rate-limit-key', newToken).catch((error: unknown) => {
      secret = undefined; // the database was away: ask again next time
      throw error;
    });
    return createHmac('sha256', await secret).update(key).digest('hex');
  };
}

/**
 * @fastify/rate-limit's store over the database, so that every process behind the load
 * balancer counts the same hits. A failed count (the database is down) goes to the error
 * handler, which answers 503 like any other request that needs the database.
 */
function databaseStore(db: Kysely<DB>): FastifyRateLimitStoreCtor {
  const stored = keyHasher(db);
  return class DatabaseStore implements FastifyRateLimitStore {
    constructor(
      _options?: unknown,
      private readonly scope = '',
    ) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      stored(this.scope + key)
        .then((hashed) => countHit(db, hashed, timeWindow))
        .then(
          (count) => callback(null, count),
          (error: Error) => callback(error),
        );
    }

    child(routeOptions: unknown): FastifyRateLimitStore {
      return new DatabaseStore(undefined, routeScope(routeOptions));
    }
  };
}

/** Deletes ended windows now and then, so the table holds about one window's clients. */
function startCleanup(db: Kysely<DB>, log: { warn(details: object, message: string): void }): () => void {
  const timer = setInterval(() => {
    deleteEndedWindows(db).catch((error: unknown) => log.warn({ error: (error as Error).message }, 'deleting ended rate-limit windows failed; tried again later'));
  }, CLEANUP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Limits on the routes people could abuse: sign-in, sign-up, password reset, submissions and
 * reports. A client is counted by its network (its IPv4 address, or its IPv6 /64) from
 * `request.ip`, which Fastify takes from X-Forwarded-For only for the proxies TRUST_PROXY
 * names, so a header a client makes up does not give it a fresh count. A signed-in person's submissions count per account, wherever they come from.
 * Over the limit: 429 with Retry-After. The counts live in the database, shared by every
 * process (see the README on running several processes).
 */
export const rateLimitPlugin = fp<{ windowSeconds: number }>(
  async (app, { windowSeconds }) => {
    await app.register(rateLimit, { global: false, hook: 'preHandler', store: databaseStore(app.db) });
    app.decorate('limitedTo', (name: string, max: number, per: Per = 'address') => ({
      rateLimit: { max, timeWindow: windowSeconds * 1000, keyGenerator: (request: FastifyRequest) => keyFor(name, per, request) },
    }));
    // Not app.rateLimit(): every handler it makes shares one "already ran" mark per request,
    // so of two limits on one route the second never counted (the login's cap per network
    // across e-mail addresses). This counts in the same table, each limit by itself.
    const stored = keyHasher(app.db);
    app.decorate('limitHandler', (name: string, max: number, per: Per = 'address'): preHandlerHookHandler => async (request, reply) => {
      const { current, ttl } = await countHit(app.db, await stored(`handler:${keyFor(name, per, request)}`), windowSeconds * 1000);
      if (current <= max) return;
      const seconds = Math.max(1, Math.ceil(ttl / 1000));
      reply.header('retry-after', String(seconds));
      throw new AppError('RATE_LIMITED', 429, `Too many attempts; try again in ${seconds} s`);
    });
    const stopCleanup = startCleanup(app.db, app.log);
    app.addHook('onClose', async () => stopCleanup());
  },
  { name: 'rate-limit', dependencies: ['auth', 'db'] },
);
