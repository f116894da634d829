import type { Kysely, Transaction } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Login, Role, Signup, User } from '@kwartier/shared';
import type { DB, UserRow } from '../../db/types.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { hashToken, newToken } from '../../lib/tokens.ts';
import { SESSION_DAYS, type Viewer } from '../../plugins/auth.ts';
import { deleteAssetsByOwner, findAssetsByOwner } from '../assets/assets.repository.ts';
import { managedRecordToAsset } from '../assets/assets.service.ts';
import { forgetActor, recordAudit } from '../audit/audit.repository.ts';
import { anonymiseReportsBy, contactRequestsOf, listVersions, reportsBy } from '../contributions/contributions.repository.ts';
import { personalData as updatesPersonalData } from '../updates/updates.service.ts';
import { forgetContactsPublishedBy } from '../updates/updates.repository.ts';
import { personalData as matchingPersonalData } from '../matching/matching.service.ts';
import { forgetMessagesBy as forgetMatchMessagesBy } from '../matching/matching.repository.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password.ts';
import * as repository from './accounts.repository.ts';
import { appendErasure, erasureFingerprint } from './erasure-journal.ts';

const RESET_MINUTES = 60;

export function userRowToUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: row.roles as Role[],
    createdAt: row.created_at.toISOString(),
  };
}

/** A new session: the token goes into the cookie, its hash into the database. */
export async function startSession(db: Kysely<DB>, userId: string): Promise<{ token: string; csrfToken: string }> {
  const token = newToken();
  const csrfToken = newToken();
  await repository.insertSession(db, {
    tokenHash: hashToken(token),
    userId,
    csrfToken,
    expiresAt: new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000),
  });
  return { token, csrfToken };
}

export async function endSession(db: Kysely<DB>, tokenHash: string): Promise<void> {
  await repository.deleteSession(db, tokenHash);
}

/** Creates an account; everyone starts as a resident, and admins grant other roles. */
export async function createUser(db: Kysely<DB>, input: Signup, roles: Role[] = ['resident']): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  const existing = await repository.findUserByEmail(db, input.email);
  if (existing) {
    throw new AppError('CONFLICT', 409, 'An account with this e-mail address exists already; sign in or reset the password', [
      { field: 'body.email', message: 'already has an account' },
    ]);
  }
  const row = await repository.insertUser(db, { email: input.email, displayName: input.displayName, passwordHash, roles });
  await recordAudit(db, { action: 'account.created', outcome: 'success', actorId: row.id, targetType: 'user', targetId: row.id });
  return userRowToUser(row);
}

/**
 * Checks an e-mail address and password. Unknown addresses take as long as wrong passwords
 * and get the same answer, so that sign-in does not tell who has an account.
 */
export async function login(db: Kysely<DB>, input: Login): Promise<User> {
  const row = await repository.findUserByEmail(db, input.email);
  const valid = row ? await verifyPassword(input.password, row.password_hash) : await verifyAgainstDecoy(input.password);
  if (!row || !valid) {
    // The account tried is the target, not the actor: whoever typed the password is unknown.
    await recordAudit(db, {
      action: 'login',
      outcome: 'failure',
      ...(row ? { targetType: 'user', targetId: row.id } : {}),
      details: { reason: row ? 'wrong_password' : 'unknown_account' },
    });
    throw new AppError('UNAUTHENTICATED', 401, 'Wrong e-mail address or password');
  }
  await repository.markLogin(db, row.id);
  // Housekeeping at a moment that is rare enough: sessions past their end are of no use.
  await repository.deleteExpiredSessions(db);
  await recordAudit(db, { action: 'login', outcome: 'success', actorId: row.id });
  return userRowToUser(row);
}

export async function currentUser(db: Kysely<DB>, viewer: Viewer): Promise<User> {
  const row = await repository.findUserById(db, viewer.id);
  if (!row) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  return userRowToUser(row);
}

/**
 * Sends a single-use link that is valid for an hour. The caller answers at once and lets this
 * run on: whether an address has an account must not show in the answer or its timing, and a
 * mail server's refusal (which names the address) must not reach the client or the log.
 */
export async function requestPasswordReset(
  db: Kysely<DB>,
  mailer: Mailer,
  publicUrl: string,
  email: string,
): Promise<void> {
  const row = await repository.findUserByEmail(db, email);
  if (!row) return;
  const token = newToken();
  await repository.insertPasswordReset(db, {
    tokenHash: hashToken(token),
    userId: row.id,
    expiresAt: new Date(Date.now() + RESET_MINUTES * 60 * 1000),
  });
  await recordAudit(db, { action: 'password_reset.requested', outcome: 'success', targetType: 'user', targetId: row.id });
  await mailer.send({
    to: row.email,
    subject: 'Kwartier: een nieuw wachtwoord / a new password',
    text: [
      `Open deze link om een nieuw wachtwoord te kiezen (${RESET_MINUTES} minuten geldig, één keer te gebruiken):`,
      `Open this link to choose a new password (valid for ${RESET_MINUTES} minutes, once):`,
      '',
      `${publicUrl}/?reset=${token}`,
      '',
      'Heb je dit niet gevraagd? Dan hoef je niets te doen. / Did not ask for this? Then do nothing.',
    ].join('\n'),
  });
}

/** Sets the new password and ends every session of the account: whoever had it is out. */
export async function confirmPasswordReset(db: Kysely<DB>, token: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const userId = await repository.consumePasswordReset(trx, hashToken(token));
    if (!userId) {
      throw new AppError('VALIDATION_FAILED', 400, 'This reset link is unknown, used or expired; ask for a new one', [
        { field: 'body.token', message: 'unknown, used or expired' },
      ]);
    }
    await repository.setPasswordHash(trx, userId, passwordHash);
    // Whoever had the account is out: its sessions end, and other reset links die with them.
    await repository.deleteSessionsOf(trx, userId);
    await repository.deletePasswordResetsOf(trx, userId);
    await recordAudit(trx, { action: 'password_reset.completed', outcome: 'success', actorId: userId });
  });
}

export async function listUsers(db: Kysely<DB>, query: { q?: string | undefined; limit: number; offset: number }) {
  const { rows, total } = await repository.listUsers(db, query.q, query);
  return { items: rows.map(userRowToUser), total };
}

/** An admin grants or takes roles. The last admin cannot take away their own admin role. */
export async function setRoles(db: Kysely<DB>, admin: Viewer, userId: string, roles: Role[]): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const admins = await repository.lockAndCountAdmins(trx);
    const current = await repository.findUserById(trx, userId);
    if (!current) throw notFound('User');
    const losesAdmin = current.roles.includes('admin') && !roles.includes('admin');
    if (losesAdmin && admins <= 1) {
      throw invalid([{ field: 'body.roles', message: 'Kwartier needs at least one admin; grant admin to someone else first' }]);
    }
    const updated = await repository.setRoles(trx, userId, roles);
    if (!updated) throw notFound('User');
    await recordAudit(trx, {
      action: 'roles.changed',
      outcome: 'success',
      actorId: admin.id,
      targetType: 'user',
      targetId: userId,
      details: { roles: roles.join(',') },
    });
    return userRowToUser(updated);
  });
}

/**
 * Everything Kwartier holds about a person, as one JSON document (GDPR article 15 and 20):
 * the account, their entries whole with their history, their reports, contact requests,
 * consents and what the audit log says they did.
 */
export async function exportPersonalData(db: Kysely<DB>, viewer: Viewer) {
  const row = await repository.findUserById(db, viewer.id);
  if (!row) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  const entries = await findAssetsByOwner(db, viewer.id);
  const withHistory = await Promise.all(
    entries.map(async (entry) => ({ ...managedRecordToAsset(entry), history: await listVersions(db, entry.id) })),
  );
  const audit = await db.selectFrom('audit_log').select(['at', 'action', 'outcome']).where('actor_id', '=', viewer.id).orderBy('at').execute();
  return {
    exportedAt: new Date().toISOString(),
    account: { ...userRowToUser(row), lastLoginAt: row.last_login_at?.toISOString() ?? null },
    entries: withHistory,
    reports: await reportsBy(db, viewer.id),
    contactRequests: (await contactRequestsOf(db, viewer.id)).map((request) => ({
      id: request.id,
      entry: request.asset_name,
      direction: request.owner_id === viewer.id ? 'incoming' : 'outgoing',
      status: request.status,
      message: request.message,
      createdAt: request.created_at,
    })),
    consents: await repository.consentsOf(db, viewer.id),
    sessions: await repository.sessionsOf(db, viewer.id),
    // The areas they follow, their last digest, the announcements they wrote (buurt updates).
    ...(await updatesPersonalData(db, viewer.id)),
    // The matches they take part in or proposed, as they see them, and the consents they gave.
    ...(await matchingPersonalData(db, viewer)),
    auditLog: audit,
  };
}

/**
 * Deletes an account and the personal data with it, in one transaction (see `eraseAccount`),
 * after checking the password; then notes it in the file journal too (erasure-journal.ts).
 */
export async function deleteAccount(
  db: Kysely<DB>,
  viewer: Viewer,
  password: string,
  journal: { file: string | null; log: Pick<FastifyBaseLogger, 'error'> },
): Promise<void> {
  const row = await repository.findUserById(db, viewer.id);
  if (!row) throw new AppError('UNAUTHENTICATED', 401, 'Sign in first');
  if (!(await verifyPassword(password, row.password_hash))) {
    throw invalid([{ field: 'body.password', message: 'wrong password' }]);
  }
  await db.transaction().execute(async (trx) => {
    if (row.roles.includes('admin') && (await repository.lockAndCountAdmins(trx)) <= 1) {
      throw new AppError('CONFLICT', 409, 'You are the last admin; grant admin to someone else before deleting your account');
    }
    await eraseAccount(trx, viewer.id);
  });
  // The deletion has committed with its entry in the table journal, so a failure here must not
  // turn into an error for the person: it is logged (without the id) for an operator to see.
  if (journal.file) {
    await appendErasure(journal.file, erasureFingerprint(viewer.id)).catch((err: NodeJS.ErrnoException) =>
      journal.log.error({ err: { code: err.code, message: err.message } }, 'the erasure journal file could not be written; the database journal holds this erasure'),
    );
  }
}

/**
 * What deleting an account removes, inside the caller's transaction; the one place that knows,
 * used by the app and by a restore that deletes an account again (`reapplyErasures`):
 * - their entries, with their versions, reports and contact requests (cascade);
 * - their sessions, reset tokens, consents and the contact requests they sent (cascade);
 * - what they did to other people's entries stays as a fact without a name: versions and the
 *   audit log lose their id (SET NULL), their reports lose their id, key and message;
 * - the account's fingerprint goes into the erasure journal, so that a restore deletes it again.
 */
export async function eraseAccount(trx: Transaction<DB>, userId: string): Promise<void> {
  await deleteAssetsByOwner(trx, userId);
  await forgetContactsPublishedBy(trx, userId);
  await forgetMatchMessagesBy(trx, userId);
  await anonymiseReportsBy(trx, userId);
  await forgetActor(trx, userId);
  await repository.deleteUser(trx, userId);
  await repository.recordErasure(trx, erasureFingerprint(userId));
  await recordAudit(trx, { action: 'account.deleted', outcome: 'success' });
}

/**
 * After a restore: deletes again every account of the restored backup whose fingerprint is in
 * `accountHashes` (the erasure journals), each in its own transaction, and completes the restored
 * table journal with the rest. Without the last-admin check: the erasure was granted when asked.
 */
export async function reapplyErasures(db: Kysely<DB>, accountHashes: Iterable<string>): Promise<{ erasedAgain: number }> {
  const erased = new Set(accountHashes);
  const restoredAgain = (await repository.allUserIds(db)).filter((id) => erased.has(erasureFingerprint(id)));
  for (const userId of restoredAgain) {
    await db.transaction().execute((trx) => eraseAccount(trx, userId));
    erased.delete(erasureFingerprint(userId));
  }
  for (const accountHash of erased) await repository.recordErasure(db, accountHash);
  return { erasedAgain: restoredAgain.length };
}
