import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Permission, type Role, can } from '@kwartier/shared';
import { AppError } from '../lib/errors.ts';
import { hashToken, sameSecret } from '../lib/tokens.ts';
import { findSession } from '../modules/accounts/accounts.repository.ts';
import { recordAudit } from '../modules/audit/audit.repository.ts';
import { loggableError } from './errors.ts';

/** Who is asking: a signed-in person's id and roles. */
export type Viewer = { id: string; roles: Role[] };

type SessionState = { tokenHash: string; csrfToken: string };

declare module 'fastify' {
  interface FastifyInstance {
    /** PUBLIC_URL is https: session cookies are Secure whatever the request looks like. */
    publicUrlIsHttps: boolean;
  }
  interface FastifyRequest {
    /** The signed-in person, or null for anyone else. */
    viewer: Viewer | null;
    /** The session behind `viewer`, when the session cookie was sent. */
    session: SessionState | null;
  }
}

export const SESSION_COOKIE = 'kw_session';
export const SESSION_DAYS = 30;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Secure whenever the request came over TLS (also as a trusted proxy says), and always when
 * Kwartier's public address is https: behind a TLS proxy that TRUST_PROXY does not name, the
 * request looks like plain http, but the browser is on https.
 */
function isSecure(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.server.publicUrlIsHttps;
}

/** HttpOnly, SameSite=Lax, Secure as above. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecure(request),
    path: '/',
    maxAge: SESSION_DAYS * 24 * 3600,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: isSecure(request), path: '/' });
}

/** The signed-in person, or a 401 that says to sign in. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  return request.viewer;
}

/** The signed-in person if one of their roles allows this, or a 401 or 403. */
export function requirePermission(request: FastifyRequest, permission: Permission): Viewer {
  const viewer = requireViewer(request);
  if (!can(viewer.roles, permission)) throw new AppError('FORBIDDEN', 403, 'Your role does not allow this');
  return viewer;
}

/**
 * A request's Origin header names another site than this one: neither the host it was sent to
 * nor the host of PUBLIC_URL (behind a proxy that rewrites the Host header, only the latter
 * matches what the browser shows).
 */
function isCrossOrigin(request: FastifyRequest, publicHost: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  try {
    // Both through URL, so that a default port (":80", ":443") is written the same way.
    const host = new URL(origin).host;
    return host !== new URL(`${request.protocol}://${request.host}`).host && host !== publicHost;
  } catch {
    return true;
  }
}

/**
 * Sessions, and the checks every request passes before a route sees it:
 * - the session cookie is looked up (by its SHA-256) and gives `request.viewer`;
 * - a write from another origin is refused, and a write with the session cookie must carry
 *   the session's CSRF token in `x-csrf-token` (the synchronizer-token pattern): a page on
 *   another site can make a browser send the cookie, but cannot read the token;
 * - every 401 and 403 is written to the audit log.
 */
export const authPlugin = fp<{ publicUrl: string }>(
  async (app, { publicUrl }) => {
    await app.register(cookie);
    app.decorate('publicUrlIsHttps', publicUrl.startsWith('https:'));
    const publicHost = new URL(publicUrl).host;
    app.decorateRequest('viewer', null);
    app.decorateRequest('session', null);

    app.addHook('onRequest', async (request) => {
      if (!request.url.startsWith('/api/')) return;
      const token = request.cookies[SESSION_COOKIE];
      if (!token || token.length > 100) return;
      const session = await findSession(app.db, hashToken(token));
      if (!session) return;
      request.viewer = { id: session.user_id, roles: session.roles as Role[] };
      request.session = { tokenHash: session.token_hash, csrfToken: session.csrf_token };
    });

    app.addHook('preHandler', async (request) => {
      if (!UNSAFE_METHODS.has(request.method)) return;
      if (isCrossOrigin(request, publicHost)) throw new AppError('FORBIDDEN', 403, 'Writes are accepted from this site only');
      if (request.cookies[SESSION_COOKIE] === undefined) return;
      const sent = request.headers['x-csrf-token'];
      // A stale cookie (an expired session) carries no rights, so it needs no token either.
      if (!request.session) return;
      if (typeof sent !== 'string' || !sameSecret(sent, request.session.csrfToken)) {
        throw new AppError('FORBIDDEN', 403, 'Missing or wrong x-csrf-token header; read it from GET /api/auth/session');
      }
    });

    // Written before the answer leaves (onSend, not onResponse), so that the log is complete
    // by the time anyone can act on the answer.
    app.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode !== 401 && reply.statusCode !== 403) return payload;
      // Failed sign-ins are audited by the accounts service, with what went wrong.
      if (!request.url.startsWith('/api/') || request.url.startsWith('/api/auth/')) return payload;
      try {
        await recordAudit(app.db, {
          action: 'authorization.denied',
          outcome: 'denied',
          actorId: request.viewer?.id ?? null,
          details: { method: request.method, route: request.routeOptions.url ?? 'unknown', status: reply.statusCode },
        });
      } catch (err) {
        request.log.error({ error: loggableError(err) }, 'could not write the audit log');
      }
      return payload;
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
