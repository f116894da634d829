import { type Kysely, sql } from 'kysely';

/**
 * State that several app processes on one database must agree on: rate-limit counts (one row
 * per limited client and window); the progress of a running import, which a poll may ask of a
 * process other than the one importing; and which process is computing a dirty gemeente's
 * reach (a lease that lapses by itself when that process dies), so that two do not compute the
 * same gemeente at once. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE rate_limit_counts (
      key text PRIMARY KEY,
      count integer NOT NULL,
      window_ends_at timestamptz NOT NULL
    )`.execute(db);
  // The cleanup deletes the rows whose window has ended.
  await sql`CREATE INDEX rate_limit_counts_window_idx ON rate_limit_counts (window_ends_at)`.execute(db);

  await sql`ALTER TABLE import_runs ADD COLUMN progress_done integer, ADD COLUMN progress_total integer`.execute(db);
  await sql`ALTER TABLE reach_dirty ADD COLUMN refreshing_until timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE reach_dirty DROP COLUMN IF EXISTS refreshing_until`.execute(db);
  await sql`ALTER TABLE import_runs DROP COLUMN IF EXISTS progress_done, DROP COLUMN IF EXISTS progress_total`.execute(db);
  await sql`DROP TABLE IF EXISTS rate_limit_counts`.execute(db);
}
