import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Role } from '@kwartier/shared';
import type { DB } from '../../server/src/db/types.ts';
import { createUser, startSession } from '../../server/src/modules/accounts/accounts.service.ts';
import { assetBody } from '../helpers/fixtures.ts';
import { TEST_PASSWORD } from '../helpers/auth.ts';
import { type Answer, type AppProcess, call } from '../cluster/processes.ts';

/**
 * What the fault tests share: signed-in people to write as, the judgement of an answer given
 * while the database is away, a tally of answers by status, and the invariants that a write
 * made of several steps (an entry, its versions, its consent, the audit log) must keep.
 */

/** A signed-in person as a browser holds them: the session cookie and its CSRF token. */
export type Session = { userId: string; cookie: string; csrfToken: string };

/**
 * People with sessions, made in the database directly (sign-up is limited to 10 per network).
 * One per load loop: submissions are rate-limited per account.
 */
export async function sessionsFor(db: Kysely<DB>, count: number, roles: Role[], label: string): Promise<Session[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const user = await createUser(db, { email: `${label}-${i}@faults.test`, password: TEST_PASSWORD, displayName: `${label} ${i}` }, ['resident', ...roles]);
      const session = await startSession(db, user.id);
      return { userId: user.id, cookie: `kw_session=${session.token}`, csrfToken: session.csrfToken };
    }),
  );
}

/** A request as `session`: its cookie, and its CSRF token on writes. */
export function callAs(app: AppProcess, session: Session, pathname: string, init: { method?: string; json?: unknown; body?: string; contentType?: string; timeoutMs?: number } = {}) {
  return call(app, pathname, { ...init, cookies: [session.cookie], csrfToken: session.csrfToken });
}

/** Submits an entry (pending until approved): an asset row, its first version and its consent in one transaction. */
export const submit = (app: AppProcess, session: Session, name: string, timeoutMs = 15_000) =>
  callAs(app, session, '/api/assets', { method: 'POST', json: assetBody({ name }), timeoutMs });

/** A moderator's approval: the asset's status, a version and an audit line in one transaction. */
export const approve = (app: AppProcess, session: Session, id: string, timeoutMs = 15_000) =>
  callAs(app, session, `/api/moderation/assets/${id}/approve`, { method: 'POST', json: {}, timeoutMs });

export const idOf = (answer: Answer) => (JSON.parse(answer.body) as { id: string }).id;

/** The one error shape with code SERVICE_UNAVAILABLE, and nothing else in it. */
function isUnavailableError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: Record<string, unknown> };
    const error = parsed.error;
    return (
      Object.keys(parsed).join() === 'error' &&
      error !== undefined &&
      Object.keys(error).sort().join() === 'code,message,requestId' &&
      error.code === 'SERVICE_UNAVAILABLE' &&
      typeof error.message === 'string'
    );
  } catch {
    return false;
  }
}

/** Internals that must never reach a client: a stack frame, a driver's error code, an address. */
const LEAK = /\bat [\w.<>]+ \(|\.ts:\d+|ECONN|57P0\d|127\.0\.0\.1|postgres/i;

/**
 * "ok" for a 2xx; "unavailable" for a clean 503 (the one error shape, JSON, nothing of the
 * driver or the stack); otherwise the answer itself, which is a defect.
 */
export function judge(answer: Answer): 'ok' | 'unavailable' | string {
  if (answer.status >= 200 && answer.status < 300) return 'ok';
  const clean = answer.status === 503 && answer.contentType.startsWith('application/json') && isUnavailableError(answer.body) && !LEAK.test(answer.body);
  return clean ? 'unavailable' : `${answer.status} ${answer.contentType} ${answer.body.slice(0, 300)}`;
}

/** An answer no fault excuses: anything but a 2xx or a clean 503. */
export const isDefect = (verdict: string) => verdict !== 'ok' && verdict !== 'unavailable';

/** A verdict as counted: "ok", "unavailable", or "defect" (the defects themselves are listed apart). */
export const tallyLabel = (verdict: string) => (isDefect(verdict) ? 'defect' : verdict);

/** What a request that never got an answer ended with: a reset connection, or a time-out (a hang). */
export function failureOf(error: unknown): string {
  const { name, message, cause } = error as Error & { cause?: { code?: string } };
  return name === 'TimeoutError' ? 'no answer (hang)' : `no answer: ${message}${cause?.code ? ` (${cause.code})` : ''}`;
}

/** Answers counted by "operation status", printed as one line each for the issue's note. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  total(): number {
    return [...this.counts.values()].reduce((sum, n) => sum + n, 0);
  }
  toString(): string {
    return [...this.counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, n]) => `  ${key}: ${n}`)
      .join('\n');
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A temporary folder the postgres user can reach into, for clusters and data directories. */
export function tempRoot(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `kwartier-${label}-`));
}

/** Runs every clean-up step, whatever failed before it. */
export async function cleanUp(steps: Array<() => unknown>): Promise<void> {
  for (const step of steps) await Promise.resolve().then(step).catch((error: unknown) => console.error('cleaning up:', error));
}

export const removeFolder = (folder: string | undefined) => (folder ? rmSync(folder, { recursive: true, force: true }) : undefined);

/**
 * The rules a submission and a moderation decision keep together (contributions.service.ts:
 * each is one transaction), as queries that list the entries breaking them. Entries with an
 * owner came through the API; imported and seeded ones have no history of this kind.
 */
const MULTI_STEP_RULES: Record<string, string> = {
  'an entry without its first version ("submitted")': `
    SELECT a.id::text FROM assets a WHERE a.owner_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM asset_versions v WHERE v.asset_id = a.id AND v.version = 1 AND v.action = 'submitted')`,
  'an entry without the consent it was submitted with': `
    SELECT a.id::text FROM assets a WHERE a.owner_id IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM consents c WHERE c.subject_id = a.id AND c.purpose = 'publish')`,
  'a consent for an entry that is not there': `
    SELECT c.subject_id::text FROM consents c WHERE c.purpose = 'publish' AND c.subject_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM assets a WHERE a.id = c.subject_id)`,
  'a gap in the version numbers': `
    SELECT asset_id::text FROM asset_versions GROUP BY asset_id HAVING max(version) <> count(*)`,
  "a status that is not the one its last status change set": `
    SELECT a.id::text FROM assets a
      JOIN LATERAL (SELECT changes FROM asset_versions v WHERE v.asset_id = a.id AND v.changes ? 'status'
                    ORDER BY v.version DESC LIMIT 1) last ON true
     WHERE a.owner_id IS NOT NULL AND last.changes->'status'->>'to' IS DISTINCT FROM a.status`,
  'an approval without its audit line, or an audit line without its approval': `
    SELECT a.id::text FROM assets a WHERE a.owner_id IS NOT NULL AND
      (SELECT count(*) FROM asset_versions v WHERE v.asset_id = a.id AND v.action = 'approved')
      <> (SELECT count(*) FROM audit_log l WHERE l.action = 'moderation.approve' AND l.target_id = a.id::text)`,
};

/** Each broken rule with up to three of the entries that break it; empty when all hold. */
export async function brokenMultiStepRules(db: Kysely<DB>): Promise<Record<string, string[]>> {
  const broken: Record<string, string[]> = {};
  for (const [rule, query] of Object.entries(MULTI_STEP_RULES)) {
    const { rows } = await sql<{ id: string }>`${sql.raw(`SELECT * FROM (${query}) AS broken (id) LIMIT 3`)}`.execute(db);
    if (rows.length > 0) broken[rule] = rows.map((row) => row.id);
  }
  return broken;
}

/** How many of `ids` are entries in the database. */
export async function countAssets(db: Kysely<DB>, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const row = await db.selectFrom('assets').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', ids).executeTakeFirstOrThrow();
  return Number(row.n);
}
