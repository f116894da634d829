import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types.ts';

/** A count after a hit: how many hits in the current window, and milliseconds until it ends. */
export type Count = { current: number; ttl: number };

/**
 * Counts one hit for `key` (a keyed hash, see plugins/rate-limit.ts) in one statement, so that hits through any process add up, even at
 * the same moment: a new key, or one whose window has ended, starts a window of `windowMs` at
 * 1; otherwise the count goes up. The database's clock decides, so processes whose clocks
 * differ still agree on when a window ends.
 */
export async function countHit(db: Kysely<DB>, key: string, windowMs: number): Promise<Count> {
  const { rows } = await sql<{ current: number; ttl: number }>`
    INSERT INTO rate_limit_counts AS c (key, count, window_ends_at)
    VALUES (${key}, 1, now() + ${Math.round(windowMs)}::integer * interval '1 millisecond')
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN c.window_ends_at <= now() THEN 1 ELSE c.count + 1 END,
      window_ends_at = CASE WHEN c.window_ends_at <= now() THEN excluded.window_ends_at ELSE c.window_ends_at END
    RETURNING c.count AS current, greatest(0, ceil(extract(epoch FROM c.window_ends_at - now()) * 1000))::integer AS ttl`.execute(db);
  const row = rows[0]!;
  return { current: Number(row.current), ttl: Number(row.ttl) };
}

/** Deletes the counts whose window has ended: they would start again at 1 anyway. */
export async function deleteEndedWindows(db: Kysely<DB>): Promise<number> {
  const result = await db.deleteFrom('rate_limit_counts').where('window_ends_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets every count (tests start each app with fresh counts, as a fresh process had). */
export async function deleteAllCounts(db: Kysely<DB>): Promise<void> {
  await db.deleteFrom('rate_limit_counts').execute();
}
