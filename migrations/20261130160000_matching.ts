import { type Kysely, sql } from 'kysely';

/**
 * Matching offers and asks: a talent's skills, availability and the inclusion features its
 * person needs, and matches between a talent (or a professional's client without an account)
 * and one ask of an asset, with their history and consents. Frozen in time: it imports nothing
 * from the app, and runs unchanged on PostgreSQL and on embedded PGlite.
 *
 * Personal data stays reachable from a user's id, as in the accounts migration: a match goes
 * with its talent or asset (CASCADE), a person's consents go with the person (CASCADE), and
 * what they did stays as a fact without a name (SET NULL).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Defaults keep every existing row valid: no skills, no availability, no needs.
  await sql`
    ALTER TABLE assets
      ADD COLUMN skills text[] NOT NULL DEFAULT '{}',
      ADD COLUMN availability jsonb NOT NULL DEFAULT '[]'::jsonb,
      ADD COLUMN needs_inclusion text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`CREATE INDEX assets_talent_match_idx ON assets (status, kind) WHERE kind = 'talent' AND owner_id IS NOT NULL`.execute(db);

  // One side is a talent on the map (talent_id) or a client known by initials (client_label),
  // never both. The ask is copied as it was proposed: asks are a list the asset may edit.
  await sql`
    CREATE TABLE matches (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      talent_id uuid REFERENCES assets (id) ON DELETE CASCADE,
      client_label text CHECK (client_label IS NULL OR length(client_label) BETWEEN 1 AND 20),
      client_skills text[] NOT NULL DEFAULT '{}',
      talent_contact_id uuid REFERENCES users (id) ON DELETE SET NULL,
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      ask_index integer NOT NULL CHECK (ask_index BETWEEN 0 AND 19),
      ask jsonb NOT NULL,
      ask_contact_id uuid REFERENCES users (id) ON DELETE SET NULL,
      proposed_by uuid REFERENCES users (id) ON DELETE SET NULL,
      proposed_as text NOT NULL CHECK (proposed_as IN ('talent', 'ask', 'professional')),
      proposed_via text NOT NULL CHECK (proposed_via IN ('talent', 'candidate', 'client')),
      message text CHECK (message IS NULL OR length(message) <= 1000),
      status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'agreed', 'declined', 'withdrawn')),
      talent_answer text NOT NULL DEFAULT 'pending' CHECK (talent_answer IN ('pending', 'accepted', 'declined')),
      ask_answer text NOT NULL DEFAULT 'pending' CHECK (ask_answer IN ('pending', 'accepted', 'declined')),
      distance_band text NOT NULL,
      score integer NOT NULL CHECK (score BETWEEN 0 AND 100),
      reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((talent_id IS NULL) <> (client_label IS NULL))
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX matches_open_idx ON matches (talent_id, asset_id, ask_index) WHERE talent_id IS NOT NULL AND status IN ('proposed', 'agreed')`.execute(db);
  await sql`CREATE INDEX matches_asset_idx ON matches (asset_id, ask_index)`.execute(db);
  await sql`CREATE INDEX matches_talent_idx ON matches (talent_id) WHERE talent_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX matches_talent_contact_idx ON matches (talent_contact_id) WHERE talent_contact_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX matches_ask_contact_idx ON matches (ask_contact_id) WHERE ask_contact_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX matches_proposed_by_idx ON matches (proposed_by) WHERE proposed_by IS NOT NULL`.execute(db);

  // Every change of state: what, which side, who, when.
  await sql`
    CREATE TABLE match_versions (
      match_id uuid NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
      version integer NOT NULL,
      action text NOT NULL CHECK (action IN ('proposed', 'accepted', 'declined', 'withdrawn')),
      side text NOT NULL CHECK (side IN ('talent', 'ask', 'proposer')),
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (match_id, version)
    )`.execute(db);
  await sql`CREATE INDEX match_versions_actor_idx ON match_versions (actor_id) WHERE actor_id IS NOT NULL`.execute(db);

  // Consents to a match, in which wording: a side's consent to share contact details, and the
  // consent a client without an account gave, recorded by the professional who is its contact.
  await sql`
    CREATE TABLE match_consents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      match_id uuid NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('matchContact', 'clientMatch')),
      side text NOT NULL CHECK (side IN ('talent', 'ask')),
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      on_behalf_of_client boolean NOT NULL DEFAULT false,
      wording_version text NOT NULL,
      given_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX match_consents_match_idx ON match_consents (match_id)`.execute(db);
  await sql`CREATE INDEX match_consents_user_idx ON match_consents (user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['match_consents', 'match_versions', 'matches']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await sql`DROP INDEX IF EXISTS assets_talent_match_idx`.execute(db);
  await sql`ALTER TABLE assets DROP COLUMN skills, DROP COLUMN availability, DROP COLUMN needs_inclusion`.execute(db);
}
