import { createHash } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The erasure journal: a promise that an account deleted after a backup stays deleted when
 * that backup is restored (GDPR erasure must not be undone by a restore).
 *
 * Each deletion writes the account's fingerprint (`erasureFingerprint`) twice:
 * - into the table `account_erasures`, in the deletion's own transaction: no deletion commits
 *   without it, and every app process on one PostgreSQL sees the same journal. A restore reads
 *   it from the database it is about to replace, before replacing it;
 * - into this file, `$DATA_DIR/account-erasures.jsonl`, once the deletion has committed: it lies
 *   outside the database, so it survives a database that is lost or no longer opens (the
 *   embedded database lives in `$DATA_DIR/pglite`, which a restore swaps; this file stays).
 * A restore deletes again, through the same `eraseAccount` the app uses, every account of the
 * restored backup whose fingerprint either holds, and adds them to the restored table.
 */
export const ERASURE_JOURNAL_FILE = 'account-erasures.jsonl';

/** Where the file journal of a DATA_DIR lives; none for a database without one (in memory, tests). */
export function erasureJournalIn(dataDir: string | null): string | null {
  return dataDir === null ? null : path.join(path.resolve(dataDir), ERASURE_JOURNAL_FILE);
}

/**
 * What the journal keeps of an account: the SHA-256 of its id, nothing else (no e-mail address,
 * no name, not the id itself). The id is a random uuid, so the hash cannot be turned back into
 * it and names no one; a restored copy of the account, which carries the same id, is recognised
 * by it. Unkeyed on purpose: a key kept in the database could be younger than the backup being
 * restored, and then nothing would match.
 */
export function erasureFingerprint(userId: string): string {
  return createHash('sha256').update(userId.toLowerCase()).digest('hex');
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Appends one erasure and forces it to disk before returning: the person is told their account
 * is gone only once both journals hold it. Owner-only, as it lives beside the database.
 */
export async function appendErasure(file: string, accountHash: string, erasedAt = new Date()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ accountHash, erasedAt: erasedAt.toISOString() })}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The fingerprints in a file journal; none when there is no file. A line that is not a whole entry (the
 * last one, cut short by a crash) is skipped: the table journal has that erasure too.
 */
export async function readErasures(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  return text.split('\n').flatMap((line) => {
    try {
      const { accountHash } = JSON.parse(line) as { accountHash?: unknown };
      return typeof accountHash === 'string' && FINGERPRINT.test(accountHash) ? [accountHash] : [];
    } catch {
      return [];
    }
  });
}
