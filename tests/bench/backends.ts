import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/src/lib/paths.ts';
import { type Database, openDatabase } from '../../server/src/plugins/db.ts';

/** A PostgreSQL cluster of its own for a benchmark (scripts/pg-test-cluster.sh), and how to stop it. */
function startThrowawayPostgres(): { url: string; stop: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kwartier-bench-pg-'));
  const script = path.join(PROJECT_ROOT, 'scripts', 'pg-test-cluster.sh');
  const url = execFileSync(script, ['start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop()!;
  return { url, stop: () => execFileSync(script, ['stop', dir], { stdio: 'inherit' }) };
}

/**
 * Runs a benchmark on each database of BENCH_BACKENDS (pglite,postgres): PGlite in memory, and
 * PostgreSQL at BENCH_DATABASE_URL or else in a throwaway cluster (its URL is passed on, for
 * the loader's COPY). Returns every run's results.
 */
export async function onEachBackend<T>(run: (backend: string, database: Database, url: string | undefined) => Promise<T[]>): Promise<T[]> {
  const results: T[] = [];
  for (const backend of (process.env.BENCH_BACKENDS ?? 'pglite,postgres').split(',')) {
    console.log(`\n${backend}`);
    let stop = () => {};
    let url: string | undefined;
    if (backend === 'postgres') {
      if (process.env.BENCH_DATABASE_URL) url = process.env.BENCH_DATABASE_URL;
      else ({ url, stop } = startThrowawayPostgres());
    }
    const database = await openDatabase({ databaseUrl: url, dataDir: null, poolSize: 4 }, { info: () => {}, error: () => {} });
    try {
      results.push(...(await run(backend, database, url)));
    } finally {
      await database.close();
      stop();
    }
  }
  return results;
}
