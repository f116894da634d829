import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CompiledQuery, Kysely, KyselyPlugin, RootOperationNode } from 'kysely';
import type { DB } from '../../server/src/db/types.ts';

/** Small helpers the benchmark scripts share: percentiles, formats, raw SQL timing, results on disk. */

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(11);

export async function timedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * A database handle that records the queries sent through it, compiled: the raw SQL beside an
 * API time is then exactly what the service sent, not a copy of it. `take` returns what was
 * recorded since the last call.
 */
export function queryRecorder(db: Kysely<DB>): { db: Kysely<DB>; take(): CompiledQuery[] } {
  let recorded: Array<{ node: RootOperationNode; queryId: Parameters<KyselyPlugin['transformQuery']>[0]['queryId'] }> = [];
  const recording = db.withPlugin({
    transformQuery: (args) => {
      recorded.push(args);
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
  return {
    db: recording,
    take: () => {
      const queries = recorded.map(({ node, queryId }) => recording.getExecutor().compileQuery(node, queryId));
      recorded = [];
      return queries;
    },
  };
}

/** Runs compiled queries one after another straight on the driver; the milliseconds they took. */
export async function timeQueries(db: Kysely<DB>, queries: CompiledQuery[]): Promise<number> {
  return timedMs(async () => {
    for (const query of queries) await db.executeQuery(query);
  });
}

/** EXPLAIN ANALYZE of a compiled query, indented for the log. */
export async function explainAnalyze(db: Kysely<DB>, query: CompiledQuery): Promise<string> {
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...query, sql: `EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) ${query.sql}` });
  return result.rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n');
}

/**
 * Each script of `npm run bench` leaves its figures here, so that the last one (summary.ts)
 * can hold them against the targets. BENCH_RESULTS_DIR moves it.
 */
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? path.join(tmpdir(), 'kwartier-bench-results');

export type BenchFigure = { backend: string; name: string; value: number; unit: string; note?: string };

export function saveFigures(script: string, figures: BenchFigure[]): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${script}.json`), JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2));
}

export function readFigures(): Array<BenchFigure & { measuredAt: string }> {
  let files: string[] = [];
  try {
    files = readdirSync(RESULTS_DIR).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const { measuredAt, figures } = JSON.parse(readFileSync(path.join(RESULTS_DIR, file), 'utf8')) as { measuredAt: string; figures: BenchFigure[] };
    return figures.map((figure) => ({ ...figure, measuredAt }));
  });
}
