import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AccountDeleteSchema,
  ApiErrorSchema,
  AuditEntrySchema,
  AuditQuerySchema,
  LoginSchema,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
  RolesUpdateSchema,
  SessionSchema,
  SignupSchema,
  UserIdParamsSchema,
  UserListQuerySchema,
  UserPageSchema,
  UserSchema,
} from '@kwartier/shared';
import type { Mailer } from '../../lib/mailer.ts';
import { clearSessionCookie, requirePermission, requireViewer, setSessionCookie } from '../../plugins/auth.ts';
import { listAudit } from '../audit/audit.repository.ts';
import * as service from './accounts.service.ts';

export type AccountRoutesOptions = { mailer: Mailer; publicUrl: string };

const errors = { 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema, 429: ApiErrorSchema };

/** Sign-up, sign-in and out, password reset, one's own data, and (for admins) roles and the audit log. */
export const accountRoutes: FastifyPluginAsyncZod<AccountRoutesOptions> = async (app, { mailer, publicUrl }) => {
  /** Signs the person in on this request: a new session id every time (no session fixation). */
  async function signIn(request: Parameters<typeof setSessionCookie>[0], reply: Parameters<typeof setSessionCookie>[1], userId: string) {
    if (request.session) await service.endSession(app.db, request.session.tokenHash);
    const { token, csrfToken } = await service.startSession(app.db, userId);
    setSessionCookie(request, reply, token);
    return csrfToken;
  }

  app.post('/api/auth/signup', {
    schema: {
      tags: ['accounts'],
      summary: 'Create an account (a resident) and sign in',
      body: SignupSchema,
      response: { 201: SessionSchema, ...errors },
    },
    config: app.limitedTo('signup', 10),
    handler: async (request, reply) => {
      const user = await service.createUser(app.db, request.body);
      const csrfToken = await signIn(request, reply, user.id);
      return reply.status(201).send({ user, csrfToken });
    },
  });

  app.post('/api/auth/login', {
    schema: {
      tags: ['accounts'],
      summary: 'Sign in with e-mail address and password',
      body: LoginSchema,
      response: { 200: SessionSchema, ...errors },
    },
    // Ten tries per address and network; a hundred per network, for a spray across accounts.
    preHandler: [app.limitHandler('login', 10, 'address-and-email'), app.limitHandler('login-any', 100)],
    handler: async (request, reply) => {
      const user = await service.login(app.db, request.body);
      const csrfToken = await signIn(request, reply, user.id);
      return { user, csrfToken };
    },
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['accounts'], summary: 'Sign out: the session ends on the server too', response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      if (request.session) await service.endSession(app.db, request.session.tokenHash);
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/auth/session', {
    schema: {
      tags: ['accounts'],
      summary: 'Who is signed in, and the CSRF token to send with writes',
      response: { 200: SessionSchema },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      if (!request.viewer || !request.session) return { user: null, csrfToken: null };
      return { user: await service.currentUser(app.db, request.viewer), csrfToken: request.session.csrfToken };
    },
  });

  app.post('/api/auth/password-reset', {
    schema: {
      tags: ['accounts'],
      summary: 'Ask for a password reset link by e-mail (the answer is the same for unknown addresses)',
      body: PasswordResetRequestSchema,
      response: { 202: z.object({ sent: z.literal(true) }), ...errors },
    },
    config: app.limitedTo('reset', 5),
    handler: async (request, reply) => {
      // Answered before the work is done, the same way for every address (see the service).
      service.requestPasswordReset(app.db, mailer, publicUrl, request.body.email).catch((err: unknown) => {
        request.log.error({ error: { code: (err as { code?: string }).code ?? 'unknown' } }, 'password reset mail failed');
      });
      return reply.status(202).send({ sent: true as const });
    },
  });

  app.post('/api/auth/password-reset/confirm', {
    schema: {
      tags: ['accounts'],
      summary: 'Choose a new password with the token from the e-mail; every session of the account ends',
      body: PasswordResetConfirmSchema,
      response: { 204: z.null(), ...errors },
    },
    config: app.limitedTo('reset', 5),
    handler: async (request, reply) => {
      await service.confirmPasswordReset(app.db, request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/me/export', {
    schema: { tags: ['accounts'], summary: 'Download everything Kwartier holds about me, as JSON', response: { 200: z.record(z.string(), z.unknown()), ...errors } },
    handler: async (request, reply) => {
      const data = await service.exportPersonalData(app.db, requireViewer(request));
      reply.header('content-disposition', 'attachment; filename="kwartier-mijn-gegevens.json"').header('cache-control', 'no-store');
      return data;
    },
  });

  app.delete('/api/me', {
    schema: {
      tags: ['accounts'],
      summary: 'Delete my account and my personal data, history included; asks for the password',
      body: AccountDeleteSchema,
      response: { 204: z.null(), ...errors },
    },
    // The password is asked again here: a stolen session must not get to guess it freely.
    config: app.limitedTo('delete-account', 5, 'account'),
    handler: async (request, reply) => {
      await service.deleteAccount(app.db, requireViewer(request), request.body.password, { file: app.database.erasureJournal, log: request.log });
      clearSessionCookie(request, reply);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/admin/users', {
    schema: { tags: ['admin'], summary: 'Accounts, searchable by e-mail address or name', querystring: UserListQuerySchema, response: { 200: UserPageSchema, ...errors } },
    handler: async (request) => {
      requirePermission(request, 'manageAccounts');
      return service.listUsers(app.db, request.query);
    },
  });

  app.put('/api/admin/users/:id/roles', {
    schema: {
      tags: ['admin'],
      summary: 'Set the roles of an account',
      params: UserIdParamsSchema,
      body: RolesUpdateSchema,
      response: { 200: UserSchema, ...errors },
    },
    handler: async (request) => service.setRoles(app.db, requirePermission(request, 'manageAccounts'), request.params.id, request.body.roles),
  });

  app.get('/api/admin/audit', {
    schema: {
      tags: ['admin'],
      summary: 'The audit log: sign-ins, refused requests, moderation and role changes',
      querystring: AuditQuerySchema,
      response: { 200: z.object({ items: z.array(AuditEntrySchema) }), ...errors },
    },
    handler: async (request) => {
      requirePermission(request, 'manageAccounts');
      const rows = await listAudit(app.db, { action: request.query.action }, request.query);
      return {
        items: rows.map((row) => ({
          id: Number(row.id),
          at: row.at.toISOString(),
          action: row.action,
          outcome: row.outcome,
          actorId: row.actor_id,
          targetType: row.target_type,
          targetId: row.target_id,
          details: row.details,
        })),
      };
    },
  });
};
