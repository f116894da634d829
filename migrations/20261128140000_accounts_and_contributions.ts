import { type Kysely, sql } from 'kysely';

/**
 * Accounts, sessions, submissions with moderation, version history, reports, contact requests,
 * consents and the audit log. Frozen in time: it imports nothing from the app.
 *
 * Personal data lives in few places on purpose (users, the owned assets and their versions,
 * contact requests), each reachable from the user's id, so that deleting an account can find
 * all of it: rows that are the person's go with ON DELETE CASCADE, rows that record what the
 * person did to someone else's entry keep the fact and lose the name (ON DELETE SET NULL).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
      display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
      -- scrypt$N$r$p$salt$hash: memory-hard, from Node's own crypto.
      password_hash text NOT NULL,
      roles text[] NOT NULL DEFAULT '{resident}'
        CHECK (roles <@ ARRAY['resident', 'professional', 'moderator', 'analyst', 'admin']::text[]),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_login_at timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_idx ON users (email)`.execute(db);

  // The cookie holds a random token; the table holds only its SHA-256, so that a copy of the
  // database does not hand out live sessions.
  await sql`
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE password_resets (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX password_resets_user_idx ON password_resets (user_id)`.execute(db);

  await sql`ALTER TABLE assets DROP CONSTRAINT assets_status_check`.execute(db);
  await sql`
    ALTER TABLE assets
      ADD CONSTRAINT assets_status_check
        CHECK (status IN ('draft', 'pending', 'changes_requested', 'published', 'hidden', 'rejected', 'archived')),
      ADD COLUMN owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
      ADD COLUMN share_contact_with_professionals boolean NOT NULL DEFAULT false,
      ADD COLUMN moderation_message text`.execute(db);
  await sql`CREATE INDEX assets_owner_idx ON assets (owner_id) WHERE owner_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX assets_queue_idx ON assets (status, updated_at) WHERE status IN ('pending', 'hidden', 'changes_requested')`.execute(db);

  // Every change to an entry: what changed (each field before and after), who, when.
  await sql`
    CREATE TABLE asset_versions (
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      version integer NOT NULL,
      action text NOT NULL,
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      changes jsonb NOT NULL DEFAULT '{}'::jsonb,
      message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (asset_id, version)
    )`.execute(db);
  await sql`CREATE INDEX asset_versions_actor_idx ON asset_versions (actor_id) WHERE actor_id IS NOT NULL`.execute(db);

  // A report counts once per reporter: a signed-in person by id, anyone else by their network.
  // Both are kept as keyed hashes (never the id or address itself), and the network of every
  // report too, so that one person with two accounts on one connection counts once.
  await sql`
    CREATE TABLE asset_reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      reporter_id uuid REFERENCES users (id) ON DELETE SET NULL,
      reporter_key text NOT NULL,
      network_key text NOT NULL,
      reason text NOT NULL CHECK (reason IN ('incorrect', 'closed', 'inappropriate', 'privacy', 'other')),
      message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX asset_reports_once_idx ON asset_reports (asset_id, reporter_key) WHERE resolved_at IS NULL`.execute(db);
  await sql`CREATE INDEX asset_reports_reporter_idx ON asset_reports (reporter_id) WHERE reporter_id IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE contact_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
      requester_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      message text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX contact_requests_asset_idx ON contact_requests (asset_id)`.execute(db);
  await sql`CREATE INDEX contact_requests_requester_idx ON contact_requests (requester_id)`.execute(db);
  await sql`CREATE UNIQUE INDEX contact_requests_open_idx ON contact_requests (asset_id, requester_id) WHERE status = 'pending'`.execute(db);

  // What a person agreed to, in which wording, when: publishing an entry, sharing contact.
  await sql`
    CREATE TABLE consents (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('publish', 'shareContact')),
      wording_version text NOT NULL,
      subject_id uuid,
      given_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX consents_user_idx ON consents (user_id)`.execute(db);

  // Security events without personal data: ids, never e-mail addresses, names or IP addresses.
  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
      actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
      target_type text,
      target_id text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    )`.execute(db);
  await sql`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`.execute(db);
  await sql`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id) WHERE actor_id IS NOT NULL`.execute(db);

  // Secrets the app makes for itself on first use, such as the key that hashes reporters.
  await sql`CREATE TABLE app_secrets (name text PRIMARY KEY, value text NOT NULL)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['app_secrets', 'audit_log', 'consents', 'contact_requests', 'asset_reports', 'asset_versions']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await sql`UPDATE assets SET status = 'pending' WHERE status IN ('changes_requested', 'hidden')`.execute(db);
  await sql`ALTER TABLE assets DROP COLUMN owner_id, DROP COLUMN share_contact_with_professionals, DROP COLUMN moderation_message`.execute(db);
  await sql`ALTER TABLE assets DROP CONSTRAINT assets_status_check`.execute(db);
  await sql`ALTER TABLE assets ADD CONSTRAINT assets_status_check CHECK (status IN ('draft', 'pending', 'published', 'rejected', 'archived'))`.execute(db);
  for (const table of ['password_resets', 'sessions', 'users']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
}
