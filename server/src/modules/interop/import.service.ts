import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import {
  type AssetImport,
  type ImportMapping,
  ImportMappingSchema,
  MappingNameSchema,
  type ImportProblem,
  type ImportReport,
  type ImportRun,
} from '@kwartier/shared';
import type { DB } from '../../db/types.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import type { Viewer } from '../../plugins/auth.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { assetImportToRow } from '../assets/assets.service.ts';
import { type MappedRecord, mapRecord } from './import.mapping.ts';
import { parseImportFile } from './import.parse.ts';
import * as repository from './import.repository.ts';

/**
 * Imports in two steps: a dry run that reports, row by row, what is wrong and what would be
 * created, updated or left alone; and a commit that writes all of it in one transaction, or
 * nothing. Records are found again by source and source id, so a re-import updates them.
 */

/** Mappings shipped with Kwartier (DUO's school files, our own export), usable by name. */
export const BUILT_IN_MAPPINGS_DIR = path.join(PROJECT_ROOT, 'seeds', 'mappings');
const BATCH = 500;
const REPORTED_ACTIONS = 200;
const REPORTED_PROBLEMS = 1000;

export type Progress = (done: number, total: number) => void;
type Log = { error(details: object, message: string): void };

// Mappings ----------------------------------------------------------------------------------

function builtInMapping(name: string): unknown {
  const file = path.join(BUILT_IN_MAPPINGS_DIR, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** A saved mapping by name, else the built-in one of that name. */
export async function resolveMapping(db: Kysely<DB> | Transaction<DB>, name: string): Promise<ImportMapping> {
  // The name also becomes a file name below: only the names a mapping may have.
  if (!MappingNameSchema.safeParse(name).success) throw notFound(`Mapping "${name}"`);
  const stored = (await repository.findMapping(db, name)) ?? builtInMapping(name);
  if (stored === undefined) throw notFound(`Mapping "${name}"`);
  const parsed = ImportMappingSchema.safeParse(stored);
  if (!parsed.success) throw new AppError('CONFLICT', 409, `The saved mapping "${name}" is no longer valid: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The saved mappings, and the built-in ones not saved over. */
export async function listMappings(db: Kysely<DB>): Promise<ImportMapping[]> {
  const saved = (await repository.listMappings(db)).map((row) => row.mapping);
  const builtIn = readdirSync(BUILT_IN_MAPPINGS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => builtInMapping(file.replace(/\.json$/, '')));
  const byName = new Map<string, ImportMapping>();
  for (const candidate of [...builtIn, ...saved]) {
    const parsed = ImportMappingSchema.safeParse(candidate);
    if (parsed.success) byName.set(parsed.data.name, parsed.data);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export async function saveMapping(db: Kysely<DB>, actor: Viewer | null, mapping: ImportMapping): Promise<ImportMapping> {
  await repository.saveMapping(db, mapping.name, mapping, actor?.id ?? null);
  return mapping;
}

// Reading and planning --------------------------------------------------------------------------

/** A file through a mapping: every record mapped, and the problems of the file as a whole. */
export function mapFile(mapping: ImportMapping, bytes: Uint8Array): { records: MappedRecord[]; problems: ImportProblem[] } {
  const parsed = parseImportFile(bytes, mapping);
  const records = parsed.records.map((record) => mapRecord(mapping, record, parsed.declaredCrs));
  return { records, problems: parsed.problems };
}

/** What the source last said about a record, so an unchanged record is left alone. */
export function fingerprint(asset: AssetImport): string {
  const { source: _source, sourceId: _sourceId, isSample: _isSample, status: _status, ...fields } = asset;
  return createHash('sha256').update(stableJson(fields)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

type Planned = { record: MappedRecord & { asset: AssetImport; sourceId: string }; action: 'create' | 'update' | 'unchanged'; hash: string };

type Plan = { report: ImportReport; writes: Planned[]; disappearedIds: string[] };

/** Compares the mapped records with what the source holds now. Reads only. */
export async function plan(
  db: Kysely<DB> | Transaction<DB>,
  mapping: { name: string; source: string },
  input: { records: MappedRecord[]; problems: ImportProblem[] },
): Promise<Plan> {
  const existing = new Map((await repository.recordsOfSource(db, mapping.source)).map((row) => [row.source_id, row]));
  const problems = [...input.problems];
  const seen = new Map<string, number>();
  const planned: Planned[] = [];
  const actions: ImportReport['actions'] = [];
  const counts = { create: 0, update: 0, unchanged: 0, kept: 0, refused: 0 };

  for (const record of input.records) {
    problems.push(...record.problems);
    if (record.sourceId !== null && seen.has(record.sourceId)) {
      problems.push({ row: record.row, field: 'sourceId', message: `source id "${record.sourceId}" is also on row ${seen.get(record.sourceId)}`, severity: 'error' });
      record.asset = null;
    } else if (record.sourceId !== null) {
      seen.set(record.sourceId, record.row);
    }
    let action: ImportReport['actions'][number]['action'] = 'refused';
    if (record.asset && record.sourceId !== null) {
      const hash = fingerprint(record.asset);
      action = actionFor(existing.get(record.sourceId), hash);
      if (action === 'kept') {
        problems.push({ row: record.row, field: 'record', message: 'changed in Kwartier since the last import (by its author or a moderator): kept as it is in Kwartier; the change in the file is not applied', severity: 'warning' });
      } else {
        planned.push({ record: record as Planned['record'], action, hash });
      }
    }
    counts[action] += 1;
    if (actions.length < REPORTED_ACTIONS) actions.push({ row: record.row, sourceId: record.sourceId, name: record.name, action });
  }
  const disappeared = [...existing.values()].filter((row) => !seen.has(row.source_id));
  const sorted = problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return {
    report: {
      mapping: mapping.name,
      source: mapping.source,
      rows: input.records.length,
      counts,
      // A hostile or badly broken file can have a problem on every row: the report keeps the first ones.
      problems: sorted.slice(0, REPORTED_PROBLEMS),
      problemCount: problemCountOf(sorted),
      actions,
      disappeared: disappeared.map((row) => ({ id: row.id, sourceId: row.source_id, name: row.name, status: row.status })),
      committed: false,
      archived: 0,
    },
    writes: planned.filter((entry) => entry.action !== 'unchanged'),
    disappearedIds: disappeared.map((row) => row.id),
  };
}

/**
 * What a record of the file does to the one stored: new, unchanged, changed by the source; or,
 * when a person changed it in Kwartier since (marked "edited:<the source's fingerprint then>"),
 * unchanged if the source did not change either, and otherwise kept as Kwartier has it.
 */
function actionFor(current: repository.SourceRecordState | undefined, hash: string): Planned['action'] | 'kept' {
  if (!current) return 'create';
  if (current.source_hash?.startsWith('edited:')) return current.source_hash === `edited:${hash}` ? 'unchanged' : 'kept';
  return current.source_hash === hash ? 'unchanged' : 'update';
}

const hasErrors = (report: ImportReport) => report.problemCount.errors > 0;

function problemCountOf(problems: readonly ImportProblem[]): ImportReport['problemCount'] {
  return { errors: problems.filter((p) => p.severity === 'error').length, warnings: problems.filter((p) => p.severity === 'warning').length };
}

/**
 * The commit, inside the caller's transaction: refused as a whole when any row has an error;
 * otherwise every new and changed record written in batches, and (when asked) the records
 * the source no longer holds archived.
 */
export async function commitInTransaction(
  trx: Transaction<DB>,
  mapping: { name: string; source: string },
  input: { records: MappedRecord[]; problems: ImportProblem[] },
  options: { archiveDisappeared?: boolean; onProgress?: Progress } = {},
): Promise<ImportReport> {
  await repository.lockSource(trx, mapping.source);
  const { report, writes, disappearedIds } = await plan(trx, mapping, input);
  if (hasErrors(report)) throw importRefused(report);
  for (let start = 0; start < writes.length; start += BATCH) {
    const batch = writes.slice(start, start + BATCH);
    await repository.upsertAssetsBySource(trx, batch.map(({ record, hash }) => ({ ...assetImportToRow(record.asset), source_hash: hash })));
    options.onProgress?.(Math.min(start + BATCH, writes.length), writes.length);
  }
  if (writes.length === 0) options.onProgress?.(0, 0);
  const archived = options.archiveDisappeared ? await repository.archiveRecords(trx, disappearedIds) : 0;
  return { ...report, committed: true, archived };
}

/** The answer to a commit of a file with errors: 400, each problem named by row and field. */
export function importRefused(report: ImportReport): AppError {
  const errors = report.problems.filter((problem) => problem.severity === 'error');
  const count = report.problemCount.errors;
  return new AppError(
    'VALIDATION_FAILED',
    400,
    `Nothing was imported: ${count} problem${count === 1 ? '' : 's'} to fix first (a dry run lists them)`,
    errors.slice(0, 100).map((problem) => ({ field: problem.row === null ? problem.field : `row ${problem.row}: ${problem.field}`, message: problem.message })),
  );
}

// Runs ----------------------------------------------------------------------------------------

/** A running run's progress is written at most this often: a poll shows it, it need not be exact. */
const PROGRESS_EVERY_MS = 500;

export type ImportRequest = {
  mappingName: string;
  bytes: Uint8Array;
  fileName?: string | undefined;
  dryRun: boolean;
  archiveDisappeared: boolean;
  onProgress?: Progress;
};

/** A dry run: the report, nothing written. */
export async function dryRun(db: Kysely<DB>, request: Omit<ImportRequest, 'dryRun'>): Promise<ImportReport> {
  const mapping = await resolveMapping(db, request.mappingName);
  return (await plan(db, mapping, mapFile(mapping, request.bytes))).report;
}

/**
 * A commit, recorded as a run: the run is created first (so the screen can follow it), the
 * writes happen in one transaction, and the run says how it ended. `wait: false` answers as
 * soon as the file is checked and the run started.
 */
export async function startImport(
  db: Kysely<DB>,
  actor: Viewer | null,
  request: Omit<ImportRequest, 'dryRun'>,
  options: { wait: boolean; log?: Log } = { wait: true },
): Promise<{ runId: string; done: Promise<ImportReport> }> {
  const mapping = await resolveMapping(db, request.mappingName);
  return startMappedImport(db, actor, { ...request, mapping, mapped: mapFile(mapping, request.bytes) }, options);
}

/**
 * The same for records mapped elsewhere (an HSDS dataset): `mapping` names the run and the
 * source the records are kept under.
 */
export async function startMappedImport(
  db: Kysely<DB>,
  actor: Viewer | null,
  request: Omit<ImportRequest, 'dryRun' | 'mappingName' | 'bytes'> & {
    mapping: { name: string; source: string };
    mapped: { records: MappedRecord[]; problems: ImportProblem[] };
  },
  options: { wait: boolean; log?: Log } = { wait: true },
): Promise<{ runId: string; done: Promise<ImportReport> }> {
  const { log } = options;
  const { mapping, mapped } = request;
  // Refuse a file with errors before a run is started: the dry run's report says why.
  const preview = await plan(db, mapping, mapped);
  if (hasErrors(preview.report)) throw importRefused(preview.report);

  const runId = await repository.startRun(db, {
    mapping: mapping.name,
    source: mapping.source,
    fileName: request.fileName ?? null,
    rows: mapped.records.length,
    writes: preview.writes.length,
    actorId: actor?.id ?? null,
  });
  const keepProgress = progressKeeper(db, runId, log);
  const onProgress: Progress = (done, total) => {
    keepProgress(done, total);
    request.onProgress?.(done, total);
  };
  const done = (async () => {
    try {
      const report = await db.transaction().execute(async (trx) => {
        if (!(await repository.lockRun(trx, runId))) throw new AppError('CONFLICT', 409, 'another server took this import for interrupted as it started; nothing was written');
        const result = await commitInTransaction(trx, mapping, mapped, { archiveDisappeared: request.archiveDisappeared, onProgress });
        await recordAudit(trx, {
          action: 'import.commit',
          outcome: 'success',
          actorId: actor?.id ?? null,
          targetType: 'import_run',
          targetId: runId,
          details: { source: mapping.source, created: result.counts.create, updated: result.counts.update, archived: result.archived },
        });
        // In the same transaction: a run is committed exactly when its records are.
        await repository.finishRun(trx, runId, { status: 'committed', counts: result.counts, archived: result.archived, report: trimmed(result) });
        return result;
      });
      return report;
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'the import failed; nothing was written';
      if (!(error instanceof AppError)) log?.error({ runId, source: mapping.source, error: describeError(error) }, 'import failed');
      await repository.finishRun(db, runId, { status: 'failed', error: message }).catch(() => undefined);
      throw error;
    }
  })();
  if (options.wait) await done;
  else done.catch(() => undefined); // the run records the failure
  return { runId, done };
}

/**
 * Keeps a run's progress in its row, for the screen that polls it through whichever process:
 * written through another connection than the import's transaction (whose writes nobody sees
 * until it ends), at most every PROGRESS_EVERY_MS and one write at a time, without waiting for
 * it, so that the import never waits for its progress. A database with one connection (the
 * embedded one) has none to spare: the import's transaction holds it to the end, a poll waits
 * for the run anyway (its session is looked up first), and the run keeps its progress at 0.
 */
function progressKeeper(db: Kysely<DB>, runId: string, log: Log | undefined): Progress {
  if (db.getExecutor().adapter.supportsMultipleConnections === false) return () => {};
  let lastWrite = 0;
  let writing = false;
  return (done, total) => {
    if (writing || Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
    writing = true;
    lastWrite = Date.now();
    repository
      .recordProgress(db, runId, done, total)
      .catch((error: unknown) => log?.error({ runId, error: describeError(error) }, 'recording import progress failed'))
      .finally(() => (writing = false));
  };
}

/** A report small enough to keep with the run. */
function trimmed(report: ImportReport): ImportReport {
  return { ...report, problems: report.problems.slice(0, 200), disappeared: report.disappeared.slice(0, 1000) };
}

/** Marks the runs whose process stopped mid-import as failed (see failRunIfAbandoned). */
export async function failInterruptedRuns(db: Kysely<DB>): Promise<number> {
  let failed = 0;
  for (const id of await repository.runningRunIds(db)) {
    if (await db.transaction().execute((trx) => repository.failRunIfAbandoned(trx, id))) failed += 1;
  }
  return failed;
}

/** What a log may say about an unexpected failure: its kind and code, never row values. */
function describeError(error: unknown): Record<string, string | undefined> {
  const { name, code, constraint } = error as { name?: string; code?: string; constraint?: string };
  return { name, code, constraint };
}

type RunRow = Awaited<ReturnType<typeof repository.listRuns>>[number];

function runToApi(row: RunRow): ImportRun {
  return {
    id: row.id,
    mapping: row.mapping,
    source: row.source,
    fileName: row.file_name,
    status: row.status,
    rows: row.rows,
    // Runs stored before "kept" was counted have no such count.
    counts: row.counts ? Object.assign({ kept: 0 }, row.counts as NonNullable<ImportRun['counts']>) : null,
    archived: row.archived,
    error: row.error,
    actorId: row.actor_id,
    actorName: row.actor_name,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    progress: row.status === 'running' && row.progress_total !== null ? { done: row.progress_done ?? 0, total: row.progress_total } : null,
  };
}

export async function listRuns(db: Kysely<DB>) {
  return (await repository.listRuns(db, 100)).map(runToApi);
}

export async function getRun(db: Kysely<DB>, id: string) {
  const row = await repository.findRun(db, id);
  if (!row) throw notFound('Import run');
  const report = row.report as ImportReport | null;
  return { ...runToApi(row), report: report ? { ...report, counts: Object.assign({ kept: 0 }, report.counts), problemCount: report.problemCount ?? problemCountOf(report.problems) } : null };
}
