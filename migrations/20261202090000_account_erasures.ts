import { type Kysely, sql } from 'kysely';

/**
 * The erasure journal: which accounts were deleted (GDPR erasure), so that a restore of a
 * backup taken before a deletion deletes that account again. Only a SHA-256 of the account's
 * random id (hex) and when: enough to recognise a restored copy of the account, not to name
 * anyone; no e-mail address, no name, not even the id. Written in the deletion's own
 * transaction, so that no deletion commits without its entry. Frozen in time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE account_erasures (
      account_hash text PRIMARY KEY,
      erased_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS account_erasures`.execute(db);
}
