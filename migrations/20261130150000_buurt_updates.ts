import { type Kysely, sql } from 'kysely';

/**
 * Buurt updates: announcements by professionals per area, the areas a person follows, and
 * when each follower last got their weekly digest. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE announcements (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      area_code text NOT NULL CHECK (area_code ~ '^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$'),
      title text NOT NULL,
      body text NOT NULL,
      contact_name text,
      contact_phone text,
      contact_email text,
      publish_contact boolean NOT NULL DEFAULT false,
      contact_published_at timestamptz,
      status text NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn')),
      created_by uuid REFERENCES users (id) ON DELETE SET NULL,
      updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      withdrawn_at timestamptz,
      -- A contact is stored only with the choice to publish it, and that choice has a time.
      CHECK (publish_contact OR (contact_name IS NULL AND contact_phone IS NULL AND contact_email IS NULL)),
      CHECK (NOT publish_contact OR contact_published_at IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX announcements_area_idx ON announcements (area_code, updated_at DESC)`.execute(db);

  await sql`
    CREATE TABLE area_follows (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      area_code text NOT NULL CHECK (area_code ~ '^(GM[0-9]{4}|WK[0-9]{4}[0-9A-Z]{2}|BU[0-9]{4}[0-9A-Z]{4})$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, area_code)
    )`.execute(db);

  await sql`
    CREATE TABLE digest_state (
      user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      last_week text NOT NULL,
      covered_until timestamptz NOT NULL,
      sent_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The changes of an area are read newest first.
  await sql`CREATE INDEX IF NOT EXISTS assets_updated_at_idx ON assets (updated_at DESC)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS agenda_items_updated_at_idx ON agenda_items (updated_at DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS agenda_items_updated_at_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS assets_updated_at_idx`.execute(db);
  await sql`DROP TABLE IF EXISTS digest_state`.execute(db);
  await sql`DROP TABLE IF EXISTS area_follows`.execute(db);
  await sql`DROP TABLE IF EXISTS announcements`.execute(db);
}
