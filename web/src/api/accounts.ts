import { z } from 'zod';
import {
  AuditEntrySchema,
  SessionSchema,
  UserPageSchema,
  UserSchema,
  type AuditEntry,
  type Role,
  type Session,
  type User,
} from '@kwartier/shared';

type UserPage = { items: User[]; total: number };
import { NoContentSchema, request } from './client.ts';

/** Signing up, in and out, and one's own account: the calls of /api/auth and /api/me. */

export const getSession = (signal?: AbortSignal): Promise<Session> => request('/api/auth/session', SessionSchema, { signal });

export const signUp = (body: { email: string; password: string; displayName: string }): Promise<Session> =>
  request('/api/auth/signup', SessionSchema, { method: 'POST', body });

export const logIn = (body: { email: string; password: string }): Promise<Session> =>
  request('/api/auth/login', SessionSchema, { method: 'POST', body });

export const logOut = (): Promise<null> => request('/api/auth/logout', NoContentSchema, { method: 'POST', body: {} });

export const requestPasswordReset = (email: string) =>
  request('/api/auth/password-reset', z.object({ sent: z.literal(true) }), { method: 'POST', body: { email } });

export const confirmPasswordReset = (token: string, password: string): Promise<null> =>
  request('/api/auth/password-reset/confirm', NoContentSchema, { method: 'POST', body: { token, password } });

/** Deletes the account and everything about the person; the server asks for the password again. */
export const deleteAccount = (password: string): Promise<null> => request('/api/me', NoContentSchema, { method: 'DELETE', body: { password } });

export const EXPORT_URL = '/api/me/export';

/** Admins: accounts by e-mail address or name, their roles, and the audit log. */
export const listUsers = (q: string, signal?: AbortSignal): Promise<UserPage> =>
  request(`/api/admin/users?${new URLSearchParams({ limit: '50', ...(q.trim() ? { q: q.trim() } : {}) })}`, UserPageSchema, { signal });

export const setRoles = (userId: string, roles: Role[]): Promise<User> =>
  request(`/api/admin/users/${encodeURIComponent(userId)}/roles`, UserSchema, { method: 'PUT', body: { roles } });

export const auditLog = (signal?: AbortSignal): Promise<{ items: AuditEntry[] }> =>
  request('/api/admin/audit?limit=50', z.object({ items: z.array(AuditEntrySchema) }), { signal });
