import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { AssetImport } from '@kwartier/shared';
import type { Database } from '../server/src/plugins/db.ts';
import { PROJECT_ROOT } from '../server/src/lib/paths.ts';
import { type AreaInput, upsertArea } from '../server/src/modules/areas/areas.repository.ts';
import {
  type AssetLoadRow,
  ASSET_LOAD_COLUMNS,
  analyzeForAssetLoad,
  assetStagingCopyStatement,
  createAssetStaging,
  dropAssetStaging,
  hasAssets,
  insertAssetLoadRows,
  insertAssets,
  moveStagedAssets,
  truncateAssets,
} from '../server/src/modules/assets/assets.repository.ts';
import { assetImportToRow } from '../server/src/modules/assets/assets.service.ts';
import { type FeatureCollection, readCbsAreas } from '../server/src/modules/interop/area-import.ts';
import { generateAssetStream, inBatches } from './generate.ts';

/**
 * The national dataset: the real CBS 2024 wijken of the whole country, and generated assets
 * spread over them by inhabitants. Used by `npm run db:load-national` and the benchmarks.
 */

export const SHARED_DATA_DIR = process.env.SHARED_DATA_DIR ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data');

/** All 3,475 wijken of 2024 (CBS wijk- en buurtkaart), with inhabitants and boundaries. */
export function nationalWijken(): AreaInput[] {
  const file = path.join(SHARED_DATA_DIR, 'cbs-wijken-2024', 'wijken_2024_nl.geojson');
  const collection = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
  return readCbsAreas(collection, { year: 2024, source: 'cbs-wijken-2024' }).areas;
}

/** Inserts or replaces the areas in one transaction. */
export async function loadAreas(database: Database, areas: AreaInput[]): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
  });
}

/**
 * How rows reach the assets table:
 * - `rows`: the app's own multi-row INSERT (assetImportToRow, insertAssets), 1,000 rows a statement;
 * - `json`: one INSERT ... SELECT from a JSON recordset per batch, both databases;
 * - `copy`: COPY into an unlogged staging table, then one INSERT ... SELECT per batch (PostgreSQL).
 */
export type LoadMethod = 'rows' | 'json' | 'copy';

export type LoadProgress = { loaded: number; total: number; rowsPerSecond: number };
export type LoadReport = {
  method: LoadMethod;
  batchSize: number;
  rows: number;
  ms: number;
  /** Where the time went: generating and encoding rows, moving them to the database (COPY), and the INSERT with its triggers. */
  generateMs: number;
  transferMs: number;
  insertMs: number;
  analyzeMs: number;
};

export type LoadOptions = {
  count: number;
  seed: number;
  /** The areas to spread the assets over (by inhabitants). */
  areas: AreaInput[];
  method?: LoadMethod;
  batchSize?: number;
  /** PostgreSQL's URL, needed for `copy` (COPY runs on a connection of its own). */
  databaseUrl?: string;
  /** Empty the assets first; without it a database with assets is refused. */
  replace?: boolean;
  onProgress?: (progress: LoadProgress) => void;
};

export class NotEmptyError extends Error {
  override name = 'NotEmptyError';
}

export const DEFAULT_BATCH: Record<LoadMethod, number> = { rows: 1_000, json: 50_000, copy: 50_000 };

/** An imported asset as the plain values of its stored columns: assetFieldsToRow's twin without SQL builders. */
export function assetImportToLoadRow(asset: AssetImport): AssetLoadRow {
  if (asset.skills !== undefined || asset.availability !== undefined || asset.needsInclusion !== undefined) {
    throw new Error('a bulk load keeps the matching fields at their defaults; load this asset through the import');
  }
  const [lon, lat] = asset.location.coordinates;
  return {
    kind: asset.kind,
    category: asset.category,
    name: asset.name,
    description: asset.description,
    social_capital: asset.socialCapital,
    inclusion_features: asset.inclusionFeatures,
    target_groups: asset.targetGroups,
    languages: asset.languages,
    characteristics: asset.characteristics,
    schedule: asset.schedule,
    contact: asset.contact,
    asks: asset.asks,
    offers: asset.offers,
    address: asset.address,
    lon,
    lat,
    precision: asset.precision,
    share_contact_with_professionals: asset.shareContactWithProfessionals,
    status: asset.status,
    source: asset.source,
    source_id: asset.sourceId ?? null,
    is_sample: asset.isSample,
  };
}

/**
 * One CSV field as PostgreSQL's COPY reads it into a column of `type`: NULL unquoted and
 * empty, everything else quoted. A jsonb column may hold an array (asks), so the column's
 * type, not the value's, decides between JSON and an array literal.
 */
function csvField(value: unknown, type: string): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (type === 'jsonb') text = JSON.stringify(value);
  else if (type === 'text[]') text = `{${(value as unknown[]).map((item) => `"${String(item).replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  else if (type === 'boolean') text = value ? 't' : 'f';
  // String(number) is the shortest text that reads back as the same double, as the driver sends it.
  else text = String(value);
  return `"${text.replace(/"/g, '""')}"`;
}

function csvLine(row: AssetLoadRow): string {
  return `${ASSET_LOAD_COLUMNS.map(([name, type]) => csvField(row[name], type)).join(',')}\n`;
}

/** One batch of rows written with a method; returns the milliseconds spent moving data and inserting. */
type BatchWriter = {
  write(batch: AssetImport[]): Promise<{ transferMs: number; insertMs: number }>;
  close(): Promise<void>;
};

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function rowsWriter(database: Database): BatchWriter {
  return {
    write: async (batch) => ({ transferMs: 0, insertMs: await timed(() => insertAssets(database.db, batch.map(assetImportToRow))) }),
    close: async () => {},
  };
}

function jsonWriter(database: Database): BatchWriter {
  return {
    write: async (batch) => ({ transferMs: 0, insertMs: await timed(() => insertAssetLoadRows(database.db, batch.map(assetImportToLoadRow))) }),
    close: async () => {},
  };
}

async function copyWriter(database: Database, databaseUrl: string): Promise<BatchWriter> {
  // Unlogged: the staging rows are moved on at once, and need no WAL. One per process.
  const table = `asset_load_${process.pid}`;
  await createAssetStaging(database.db, table);
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => {});
  await client.connect();
  return {
    write: async (batch) => {
      const transferMs = await timed(() =>
        pipeline(Readable.from(batch.map((asset) => csvLine(assetImportToLoadRow(asset)))), client.query(copyFrom(assetStagingCopyStatement(table)))),
      );
      return { transferMs, insertMs: await timed(() => moveStagedAssets(database.db, table)) };
    },
    close: async () => {
      await client.end();
      await dropAssetStaging(database.db, table);
    },
  };
}

async function openWriter(database: Database, method: LoadMethod, databaseUrl: string | undefined): Promise<BatchWriter> {
  if (method === 'rows') return rowsWriter(database);
  if (method === 'json') return jsonWriter(database);
  if (database.backend !== 'postgres' || !databaseUrl) throw new Error('the copy method needs PostgreSQL and its URL');
  return copyWriter(database, databaseUrl);
}

/** Empties the assets when `replace`; otherwise refuses a database that has any. */
export async function emptyAssetsOrRefuse(database: Database, replace: boolean): Promise<void> {
  if (!(await hasAssets(database.db))) return;
  if (!replace) throw new NotEmptyError('the database already has assets; empty them first with --replace');
  await truncateAssets(database.db);
}

/** Options of a load of assets that are already made (see loadGeneratedAssets for generated ones). */
export type AssetLoadOptions = Omit<LoadOptions, 'count' | 'seed' | 'areas'> & { total?: number };

/**
 * Loads assets exactly as inserts through the app would store them: the location trigger
 * derives each public place and area, the statement triggers keep the counts and mark reach
 * dirty. Refuses a database that has assets unless `replace`. Ends with ANALYZE, so that the
 * first queries after a load are planned well.
 */
export async function loadAssets(database: Database, assets: Iterable<AssetImport>, options: AssetLoadOptions): Promise<LoadReport> {
  const method = options.method ?? (database.backend === 'postgres' && options.databaseUrl ? 'copy' : 'json');
  const batchSize = options.batchSize ?? DEFAULT_BATCH[method];
  await emptyAssetsOrRefuse(database, options.replace ?? false);
  const report: LoadReport = { method, batchSize, rows: 0, ms: 0, generateMs: 0, transferMs: 0, insertMs: 0, analyzeMs: 0 };
  const started = performance.now();
  await analyzeForAssetLoad(database.db);
  const writer = await openWriter(database, method, options.databaseUrl);
  try {
    const batches = inBatches(assets, batchSize);
    for (;;) {
      const generating = performance.now();
      const next = batches.next();
      report.generateMs += performance.now() - generating;
      if (next.done) break;
      const spent = await writer.write(next.value);
      report.transferMs += spent.transferMs;
      report.insertMs += spent.insertMs;
      report.rows += next.value.length;
      options.onProgress?.({ loaded: report.rows, total: options.total ?? report.rows, rowsPerSecond: report.rows / ((performance.now() - started) / 1000) });
    }
  } finally {
    await writer.close();
  }
  report.analyzeMs = await timed(() => analyzeForAssetLoad(database.db));
  report.ms = performance.now() - started;
  return report;
}

/** `count` generated assets (deterministic for `seed`) over `areas`, loaded with loadAssets. */
export async function loadGeneratedAssets(database: Database, options: LoadOptions): Promise<LoadReport> {
  const { count, seed, areas, ...rest } = options;
  return loadAssets(database, generateAssetStream(count, seed, areas), { ...rest, total: count });
}

/** A progress line that rewrites itself, for terminals and benchmark logs. */
export function printProgress({ loaded, total, rowsPerSecond }: LoadProgress): void {
  process.stdout.write(`  loaded ${loaded.toLocaleString('en')} of ${total.toLocaleString('en')} assets, ${Math.round(rowsPerSecond).toLocaleString('en')} rows/s\r`);
}

/** The report as one line: rows per second, and where the time went. */
export function describeLoad(report: LoadReport): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rate = Math.round(report.rows / (report.ms / 1000)).toLocaleString('en');
  return `${report.rows.toLocaleString('en')} assets in ${s(report.ms)} (${rate} rows/s; ${report.method}, ${report.batchSize.toLocaleString('en')} a statement): ` +
    `generate ${s(report.generateMs)}, transfer ${s(report.transferMs)}, insert with triggers ${s(report.insertMs)}, analyze ${s(report.analyzeMs)}`;
}
