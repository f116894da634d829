import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { currentWalPosition, replayedWalPosition } from '../../db/wal.ts';
import type { Database } from '../../plugins/db.ts';

/**
 * Tiles made from a replica, yet never older than a change this process was told about.
 *
 * A change's NOTIFY comes from the primary the moment it commits; a replica may replay it a
 * moment later. A tile made from the replica in between would show the old data and be kept
 * as if fresh. So after each notification this asks the primary how far its log has come, and
 * a tile is read from a replica only once the replica has replayed that far; otherwise from
 * the primary. Until the primary has answered, tiles come from the primary.
 */
export class ReplicaFreshness {
  /** Where a replica must have replayed to; 'unknown' while the primary is being asked. */
  private required: bigint | 'unknown' | null = null;
  /** Bumped by stop(): answers to questions asked before are ignored. */
  private asked = 0;
  private asking = false;
  private askAgain = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly database: Pick<Database, 'db' | 'hasReplica'>) {}

  /**
   * A change was committed (or changes may have been missed): replicas must catch up to now.
   * One question to the primary at a time: a burst of notifications while one is out asks
   * once more when it is back, not once each.
   */
  noteChange(): void {
    if (!this.database.hasReplica) return;
    this.required = 'unknown';
    if (this.asking) {
      this.askAgain = true;
      return;
    }
    this.asking = true;
    clearTimeout(this.retry);
    const token = this.asked;
    currentWalPosition(this.database.db)
      .then((position) => {
        if (token === this.asked && !this.askAgain) this.required = position;
      })
      .catch(() => {
        // The primary is away: tiles wait on it (as any write would), and it is asked again.
        if (token !== this.asked) return;
        this.retry = setTimeout(() => this.noteChange(), 1_000);
        this.retry.unref();
      })
      .finally(() => {
        this.asking = false;
        if (this.askAgain && token === this.asked) {
          this.askAgain = false;
          this.noteChange();
        }
      });
  }

  /** Runs `work` on `reader` when that is fresh enough, else on the primary. */
  async read<T>(reader: Kysely<DB>, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
    const required = this.required;
    if (reader === this.database.db || required === null) return work(reader);
    if (required === 'unknown') return work(this.database.db);
    // One connection for the check and the work: a replica taken in turn could differ between them.
    return reader.connection().execute(async (connection) => {
      const replayed = await replayedWalPosition(connection);
      return replayed === null || replayed >= required ? work(connection) : work(this.database.db);
    });
  }

  stop(): void {
    clearTimeout(this.retry);
    this.asked++;
  }
}
