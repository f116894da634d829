import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { cliLog } from './log.ts';
import {
  DEFAULT_BATCH,
  type LoadMethod,
  NotEmptyError,
  describeLoad,
  emptyAssetsOrRefuse,
  loadAreas,
  loadGeneratedAssets,
  nationalWijken,
  printProgress,
} from '../../../seeds/national.ts';

const USAGE = `npm run db:load-national -- [--assets N] [--seed S] [--replace] [--method copy|json|rows] [--batch N]

Loads the national dataset: the real CBS 2024 wijken of the whole country and N generated
assets (default 1,000,000) spread over them by inhabitants, the same for the same seed
(default 2026). Into DATABASE_URL when set, else into the embedded database in DATA_DIR.
A database that already has assets is left alone unless --replace, which empties them first.
--method and --batch choose how rows are written (default: copy with 50,000 rows a statement
on PostgreSQL, json with 50,000 on the embedded database; rows is the app's own 1,000-row insert).`;

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '2026' },
    replace: { type: 'boolean', default: false },
    method: { type: 'string' },
    batch: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const count = Number(values.assets);
const seed = Number(values.seed);
const method = values.method as LoadMethod | undefined;
const batchSize = values.batch === undefined ? undefined : Number(values.batch);
if (!Number.isInteger(count) || count < 0 || !Number.isInteger(seed) || (method !== undefined && !(method in DEFAULT_BATCH)) ||
    (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1))) {
  console.error(USAGE);
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, { ...cliLog, info: () => {} });
let exitCode = 0;
try {
  // Checked before the areas are touched: a database with assets is left as it was.
  await emptyAssetsOrRefuse(database, values.replace);
  const wijken = nationalWijken();
  const started = performance.now();
  await loadAreas(database, wijken);
  console.log(`${database.backend}: ${wijken.length.toLocaleString('en')} wijken of 2024 loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const report = await loadGeneratedAssets(database, {
    count, seed, areas: wijken, method, batchSize, databaseUrl: config.databaseUrl, replace: values.replace, onProgress: printProgress,
  });
  console.log(`\n${describeLoad(report)}`);
} catch (error) {
  console.error(error instanceof NotEmptyError ? error.message : error);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
