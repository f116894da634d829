import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { parseAreaFile, readCbsAreas, replaceAreas } from '../modules/interop/area-import.ts';
import { cliLog } from './log.ts';

const USAGE = `npm run import:areas -- <file.geojson> --year <year> [--dry-run]

Loads a CBS wijk- en buurtkaart file (the classic kaart with kerncijfers, or PDOK's export;
WGS84 or RD New) as the areas of that year. The year's areas of the gemeenten in the file are
replaced in one transaction: areas the file no longer has are removed, and every asset's
buurt, wijk and gemeente is derived again.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { year: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [file] = positionals;
const year = Number(values.year);
if (!file || !values.year || !Number.isInteger(year) || year < 1990 || year > 2100) {
  console.error(`${file ? 'Give the year of the areas with --year.' : 'Name the file.'}\n\n${USAGE}`);
  process.exit(2);
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, { ...cliLog, info: () => {} });
let exitCode = 0;
try {
  const parsed = await parseAreaFile(readFileSync(file));
  if (!('features' in parsed)) throw new Error(parsed.message);
  const areas = readCbsAreas(parsed, { year, source: `cbs-${path.basename(file, '.geojson')}` });
  const report = await database.db.transaction().execute((trx) => replaceAreas(trx, areas, { year, dryRun: values['dry-run'] }));
  console.log(`${report.areas} areas of ${year} (${report.byLevel.gemeente} gemeenten, ${report.byLevel.wijk} wijken, ${report.byLevel.buurt} buurten): ${report.created} new, ${report.replaced} replaced, ${report.removed.length} removed`);
  for (const problem of report.problems) console.log(`  ERROR feature ${problem.row}, ${problem.field}: ${problem.message}`);
  if (report.problems.length > 0) {
    console.log('Nothing was changed.');
    exitCode = 1;
  } else if (report.committed) {
    console.log(`Done; ${report.assetsRederived} assets placed in their areas again.`);
  } else {
    console.log('Dry run: nothing was changed.');
  }
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);
