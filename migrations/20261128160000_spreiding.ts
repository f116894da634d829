import { type Kysely, sql } from 'kysely';

/**
 * The spreading policy's own figures: what a municipality enters per buurt (people placed from
 * sheltered housing or shelter, other known pressure), with the history of every change, and
 * settings analysts change (the score weights), with theirs. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE area_context (
      area_code text NOT NULL,
      field text NOT NULL,
      value double precision CHECK (value >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      PRIMARY KEY (area_code, field)
    )`.execute(db);
  await sql`
    CREATE TABLE area_context_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      area_code text NOT NULL,
      field text NOT NULL,
      from_value double precision,
      to_value double precision,
      note text,
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX area_context_history_area_idx ON area_context_history (area_code, at)`.execute(db);

  await sql`
    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL
    )`.execute(db);
  await sql`
    CREATE TABLE settings_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      key text NOT NULL,
      value jsonb NOT NULL,
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['settings_history', 'settings', 'area_context_history', 'area_context']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
