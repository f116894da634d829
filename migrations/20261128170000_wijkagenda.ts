import { type Kysely, sql } from 'kysely';

/** The sociale wijkagenda: actions per wijk or buurt. Frozen in time. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE agenda_items (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      area_code text NOT NULL CHECK (area_code ~ '^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$'),
      title text NOT NULL,
      description text NOT NULL DEFAULT '',
      characteristics text[] NOT NULL DEFAULT '{}',
      indicator text,
      gap jsonb,
      asset_ids uuid[] NOT NULL DEFAULT '{}',
      owner_organisation text NOT NULL DEFAULT '',
      status text NOT NULL DEFAULT 'idea' CHECK (status IN ('idea', 'planned', 'in_progress', 'done', 'dropped')),
      due_date date,
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX agenda_items_area_idx ON agenda_items (area_code)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS agenda_items`.execute(db);
}
