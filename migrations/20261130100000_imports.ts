import { type Kysely, sql } from 'kysely';

/**
 * Imports: saved mappings, the history of import runs, and per asset the fingerprint of what
 * its source last said, so that a re-import can tell an unchanged record from a changed one.
 * Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE assets ADD COLUMN source_hash text`.execute(db);

  await sql`
    CREATE TABLE import_mappings (
      name text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      mapping jsonb NOT NULL,
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE import_runs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      mapping text NOT NULL,
      source text NOT NULL,
      file_name text,
      status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'committed', 'failed')),
      rows integer NOT NULL DEFAULT 0,
      counts jsonb,
      archived integer NOT NULL DEFAULT 0,
      report jsonb,
      error text,
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX import_runs_started_idx ON import_runs (started_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS import_runs`.execute(db);
  await sql`DROP TABLE IF EXISTS import_mappings`.execute(db);
  await sql`ALTER TABLE assets DROP COLUMN IF EXISTS source_hash`.execute(db);
}
