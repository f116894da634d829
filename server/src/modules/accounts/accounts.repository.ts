import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB, UserRow } from '../../db/types.ts';
import { textArray } from '../../db/json.ts';
import { containsPattern } from '../../db/text.ts';

type Db = Kysely<DB> | Transaction<DB>;

export async function insertUser(
  db: Db,
  user: { email: string; displayName: string; passwordHash: string; roles: string[] },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ email: user.email, display_name: user.displayName, password_hash: user.passwordHash, roles: textArray(user.roles) as never })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setRoles(db: Db, id: string, roles: string[]): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({ roles: textArray(roles) as never, updated_at: sql`now()` as never })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function setPasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: sql`now()` as never }).where('id', '=', id).execute();
}

export async function markLogin(db: Db, id: string): Promise<void> {
  await db.updateTable('users').set({ last_login_at: sql`now()` as never }).where('id', '=', id).execute();
}

/**
 * How many admins there are, with their rows locked until the transaction ends: two admins
 * who each take away the other's role at the same moment cannot both pass the check.
 */
export async function lockAndCountAdmins(db: Transaction<DB>): Promise<number> {
  const rows = await db.selectFrom('users').select('id').where(sql<boolean>`'admin' = ANY(roles)`).forUpdate().execute();
  return rows.length;
}

export async function listUsers(db: Db, q: string | undefined, page: { limit: number; offset: number }) {
  let query = db.selectFrom('users');
  if (q) {
    const pattern = containsPattern(q);
    query = query.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('display_name', 'ilike', pattern)]));
  }
  const rows = await query.selectAll().orderBy('created_at').orderBy('id').limit(page.limit).offset(page.offset).execute();
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { rows, total: Number(total) };
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}

// The erasure journal (see erasure-journal.ts) ------------------------------------------------

/** Notes that an account was erased, by its fingerprint; a second note changes nothing. */
export async function recordErasure(db: Db, accountHash: string): Promise<void> {
  await db.insertInto('account_erasures').values({ account_hash: accountHash }).onConflict((oc) => oc.column('account_hash').doNothing()).execute();
}

export async function erasedAccountHashes(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('account_erasures').select('account_hash').execute();
  return rows.map((row) => row.account_hash);
}

export async function allUserIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').execute();
  return rows.map((row) => row.id);
}

// Sessions ------------------------------------------------------------------------------------

export async function insertSession(db: Db, session: { tokenHash: string; userId: string; csrfToken: string; expiresAt: Date }) {
  await db
    .insertInto('sessions')
    .values({ token_hash: session.tokenHash, user_id: session.userId, csrf_token: session.csrfToken, expires_at: session.expiresAt })
    .execute();
}

/** The live session with this token hash and its user; expired sessions are not found. */
export async function findSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.token_hash', 'sessions.csrf_token', 'sessions.expires_at', 'users.id as user_id', 'users.roles'])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** When each of a person's sessions began and ends, for their data download (no tokens). */
export async function sessionsOf(db: Db, userId: string) {
  return db.selectFrom('sessions').select(['created_at', 'expires_at']).where('user_id', '=', userId).orderBy('created_at').execute();
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteSessionsOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).execute();
}

// Password resets -----------------------------------------------------------------------------

export async function insertPasswordReset(db: Db, reset: { tokenHash: string; userId: string; expiresAt: Date }) {
  await db.insertInto('password_resets').values({ token_hash: reset.tokenHash, user_id: reset.userId, expires_at: reset.expiresAt }).execute();
}

/**
 * Uses a reset token: marks it used and returns its user, or nothing when the token is
 * unknown, used or expired. One statement, so that two requests cannot both use it.
 */
export async function consumePasswordReset(db: Db, tokenHash: string): Promise<string | undefined> {
  const row = await db
    .updateTable('password_resets')
    .set({ used_at: sql`now()` as never })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

export async function deletePasswordResetsOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('password_resets').where('user_id', '=', userId).execute();
}

// Consents ------------------------------------------------------------------------------------

export async function insertConsent(db: Db, consent: { userId: string; purpose: 'publish' | 'shareContact'; version: string; subjectId: string | null }) {
  await db
    .insertInto('consents')
    .values({ user_id: consent.userId, purpose: consent.purpose, wording_version: consent.version, subject_id: consent.subjectId })
    .execute();
}

export async function consentsOf(db: Db, userId: string) {
  return db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('given_at').execute();
}

// App secrets ---------------------------------------------------------------------------------

/** A secret the app makes for itself once and keeps in the database, shared by every process. */
export async function appSecret(db: Db, name: string, make: () => string): Promise<string> {
  await db.insertInto('app_secrets').values({ name, value: make() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
