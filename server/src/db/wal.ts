import { type Kysely, sql } from 'kysely';
import type { DB } from './types.ts';

/**
 * Positions in PostgreSQL's write-ahead log, to tell whether a streaming replica has replayed
 * a change yet. An LSN such as "16/B374D848" is a 64-bit position: high and low word in hex.
 */
export function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** How far the primary has written: every change committed so far lies at or before it. */
export async function currentWalPosition(db: Kysely<DB>): Promise<bigint> {
  const { rows } = await sql<{ lsn: string }>`SELECT pg_current_wal_lsn()::text AS lsn`.execute(db);
  return parseLsn(rows[0]!.lsn);
}

/** How far a replica has replayed; null on a primary, which has nothing to replay. */
export async function replayedWalPosition(db: Kysely<DB>): Promise<bigint | null> {
  const { rows } = await sql<{ lsn: string | null }>`SELECT pg_last_wal_replay_lsn()::text AS lsn`.execute(db);
  return rows[0]?.lsn ? parseLsn(rows[0].lsn) : null;
}
