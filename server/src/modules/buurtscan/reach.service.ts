import type { Kysely, Transaction } from 'kysely';
import { REACH_DISTANCES, REACH_TARGETS } from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import type { AreaScope } from './buurtscan.repository.ts';
import * as repository from './reach.repository.ts';

/**
 * Keeping reach: computed per unit when something near it changed, read from the cache after
 * that. A buurtscan first brings the gemeenten it covers up to date, so its figures are always
 * those of the assets as they are now; a refresher in the server (and `npm run
 * buurtscan:refresh`) does that work ahead of time, so that a request rarely has to.
 */

/** Gemeenten per batch: a batch's eight zones are built in one go, and written in one transaction. */
const BATCH = 20;

export type RefreshProgress = (done: number, total: number) => void;

type ReachTarget = (typeof REACH_TARGETS)[number];

/** Whether a change of these kinds and categories ("kind/category", or "*") can move a target's reach. */
export function touches(target: ReachTarget, touched: readonly string[]): boolean {
  const select: { kinds?: readonly string[]; categories?: readonly string[] } = target.select;
  return touched.some((entry) => {
    if (entry === '*') return true;
    const [kind, category] = entry.split('/');
    return (select.kinds?.includes(kind!) ?? false) || (select.categories?.includes(category!) ?? false);
  });
}

/**
 * How long a process may take for a batch before another may take it over: a process that died
 * mid-batch holds its gemeenten no longer than this.
 */
const LEASE_SECONDS = 600;
/** How often a request that needs a gemeente another process is computing looks again. */
const WAIT_MS = 100;

/**
 * Computes reach again for the dirty gemeenten (all, or those named), for the targets that
 * what changed near each of them can move; returns how many gemeenten this call computed. A
 * gemeente another process (or another call) is computing is left to it; with `waitForOthers`,
 * this call waits until it is done and computes whatever is dirty then, so that the caller
 * reads figures of the assets as they are now.
 */
export async function refreshReach(
  db: Kysely<DB>,
  options: { gemeenten?: readonly string[]; onProgress?: RefreshProgress; waitForOthers?: boolean } = {},
): Promise<number> {
  let computed = 0;
  for (;;) {
    const dirty = await repository.dirtyGemeenten(db, options.gemeenten);
    const free = dirty.filter((entry) => !entry.refreshing).map((entry) => entry.gemeente);
    for (let start = 0; start < free.length; start += BATCH) {
      computed += await refreshBatch(db, free.slice(start, start + BATCH));
      options.onProgress?.(Math.min(start + BATCH, free.length), free.length);
    }
    if (!options.waitForOthers || !dirty.some((entry) => entry.refreshing)) return computed;
    await new Promise((resolve) => setTimeout(resolve, WAIT_MS));
  }
}

/** Takes the gemeenten of a batch no one else took meanwhile, computes them, stores and gives them back. */
async function refreshBatch(db: Kysely<DB>, gemeenten: readonly string[]): Promise<number> {
  const batch = await repository.claimGemeenten(db, gemeenten, LEASE_SECONDS);
  if (batch.length === 0) return 0;
  try {
    const rows = await coverageOf(db, batch);
    // Inside a caller's transaction (a test that rolls back), within it; else in one of its own.
    if (db.isTransaction) await repository.storeCoverage(db as Transaction<DB>, batch, rows);
    else await db.transaction().execute((trx) => repository.storeCoverage(trx, batch, rows));
  } catch (error) {
    await repository.releaseGemeenten(db, batch.map((entry) => entry.gemeente)).catch(() => undefined);
    throw error;
  }
  return batch.length;
}

/** Coverage per unit of the targets that what changed near each gemeente can move. */
async function coverageOf(db: Kysely<DB>, batch: readonly repository.DirtyGemeente[]) {
  const rows: Array<{ unit: string; year: number; target: string; meters: number; covered: number }> = [];
  for (const target of REACH_TARGETS) {
    const codes = batch.filter((entry) => touches(target, entry.touched)).map((entry) => entry.gemeente);
    if (codes.length === 0) continue;
    for (const year of await repository.yearsOf(db, codes)) {
      for (const meters of REACH_DISTANCES) {
        for (const { unit, covered } of await repository.unitCoverage(db, { year, gemeenten: codes }, target.select, meters)) {
          rows.push({ unit, year, target: target.code, meters, covered });
        }
      }
    }
  }
  return rows;
}

/** Reach per area of a scope, after bringing the scope's gemeenten up to date. */
export async function reachOf(db: Kysely<DB>, scope: AreaScope, target: string, meters: number): Promise<Map<string, number | null>> {
  return repository.reachFromCache(db, scope, target, meters);
}

/** Brings the gemeenten of a scope up to date (a no-op when nothing near them changed). */
export async function ensureReachFresh(db: Kysely<DB>, scope: AreaScope): Promise<void> {
  const gemeenten = scope.gemeente ? [scope.gemeente] : await repository.gemeentenOf(db, scope);
  await refreshReach(db, { gemeenten, waitForOthers: true });
}

/**
 * Computes reach in the background every `seconds` for the gemeenten where assets changed, so
 * that buurtscans find it ready. One round at a time; stopped when the app closes.
 */
export function startReachRefresher(db: Kysely<DB>, seconds: number, log: { warn(details: object, message: string): void }): () => void {
  if (seconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refreshReach(db)
      .catch((error: unknown) => log.warn({ error: (error as Error).message }, 'reach refresh failed; it is tried again at the next round'))
      .finally(() => (running = false));
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
