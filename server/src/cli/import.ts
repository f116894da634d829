import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HsdsImportQuerySchema, type ImportMapping, ImportMappingSchema, type ImportReport } from '@kwartier/shared';
import { loadConfig } from '../config.ts';
import { AppError } from '../lib/errors.ts';
import { openDatabase } from '../plugins/db.ts';
import * as imports from '../modules/interop/import.service.ts';
import { hsdsDryRun, hsdsImport } from '../modules/interop/hsds-import.ts';
import { cliLog } from './log.ts';

const USAGE = `npm run import -- <file> --mapping <name or mapping.json> [--dry-run] [--archive-disappeared] [--save]
       npm run import -- <dataset.json> --hsds [--source <name>] [--default-category <code>] [--fallback-area <CBS code>] [--dry-run]

Imports a CSV or GeoJSON file of assets through a mapping: a saved one by name (see the
import screen, or seeds/mappings for the built-in ones), or a mapping file. --dry-run checks
every row and reports what would be created, updated or left alone, and writes nothing.
Without it the import is all or nothing. --save keeps a mapping file under its name for later.
--archive-disappeared archives the records of the source that the file no longer holds.

--hsds imports an Open Referral HSDS 3.0 dataset (a service, service_at_location,
organization, a page of them, or a dataset with services) as records of the source
hsds:<source> (default hsds:hsds-import). --default-category fills the category where the
attributes name none of Kwartier's; --fallback-area places a service without a Dutch location
at the centre of that gemeente, wijk or buurt, at buurt precision.`;

function fail(message: string, code = 2): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(code);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    'archive-disappeared': { type: 'boolean', default: false },
    save: { type: 'boolean', default: false },
    hsds: { type: 'boolean', default: false },
    source: { type: 'string' },
    'default-category': { type: 'string' },
    'fallback-area': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const [file] = positionals;
if (!file) fail('Name the file to import.');
if (!existsSync(file)) fail(`No such file: ${file}`);
if (values.hsds && values.mapping) fail('--hsds imports through the HSDS mapping: leave out --mapping.');
if (!values.hsds && !values.mapping) fail('Name a mapping with --mapping (or import an HSDS dataset with --hsds).');
if (!values.hsds && (values.source || values['default-category'] || values['fallback-area'])) fail('--source, --default-category and --fallback-area go with --hsds.');

/** A mapping file's content, or undefined for a name to look up in the database. */
function mappingFromFile(reference: string): ImportMapping | undefined {
  if (!reference.endsWith('.json') || !existsSync(reference)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(reference, 'utf8'));
  } catch (error) {
    fail(`The mapping ${reference} is not JSON: ${(error as Error).message}`);
  }
  const parsed = ImportMappingSchema.safeParse(json);
  if (!parsed.success) fail(`The mapping ${reference} is not valid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  return parsed.data;
}

/** A bar on standard error, redrawn in place on a terminal and every 10% otherwise. */
function progressBar(label: string) {
  const started = Date.now();
  let lastTenth = -1;
  return (done: number, total: number) => {
    const share = total === 0 ? 1 : done / total;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.');
    const line = `${label} [${bar}] ${Math.round(share * 100)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} records, ${rate.toLocaleString('en')}/s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else if (Math.floor(share * 10) > lastTenth || done === total) {
      lastTenth = Math.floor(share * 10);
      process.stderr.write(`${line}\n`);
    }
  };
}

function printReport(report: ImportReport): void {
  const { create, update, unchanged, refused } = report.counts;
  console.log(`${report.rows} rows from source "${report.source}": ${create} to create, ${update} to update, ${unchanged} unchanged, ${refused} refused`);
  for (const problem of report.problems) {
    console.log(`  ${problem.severity === 'error' ? 'ERROR' : 'warning'} ${problem.row === null ? 'file' : `row ${problem.row}`}, ${problem.field}: ${problem.message}`);
  }
  if (report.disappeared.length > 0) {
    console.log(`${report.disappeared.length} records of this source are no longer in the file${report.archived ? ` (${report.archived} archived)` : ''}:`);
    for (const gone of report.disappeared.slice(0, 20)) console.log(`  ${gone.sourceId}  ${gone.name} (${gone.status})`);
    if (report.disappeared.length > 20) console.log(`  … and ${report.disappeared.length - 20} more`);
  }
}

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, cliLog);
let exitCode = 0;

/** An HSDS dataset, through the same checks as POST /api/imports/hsds. */
async function importHsds(): Promise<number> {
  const query = HsdsImportQuerySchema.safeParse({
    ...(values.source ? { source: values.source } : {}),
    ...(values['default-category'] ? { defaultCategory: values['default-category'] } : {}),
    ...(values['fallback-area'] ? { fallbackArea: values['fallback-area'] } : {}),
  });
  if (!query.success) fail(query.error.issues.map((issue) => `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`).join('\n'));
  let dataset: unknown;
  try {
    dataset = JSON.parse(readFileSync(file!, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    fail(`${file} is not JSON.`);
  }
  const { dryRun: _dryRun, ...options } = query.data;
  if (values['dry-run']) {
    const report = await hsdsDryRun(database.db, dataset, options);
    printReport(report);
    const hasErrors = report.problems.some((p) => p.severity === 'error');
    console.log(hasErrors ? 'Dry run: this dataset cannot be imported until the errors are fixed.' : 'Dry run: nothing written.');
    return hasErrors ? 1 : 0;
  }
  printReport(await hsdsImport(database.db, null, dataset, options));
  return 0;
}

try {
  if (values.hsds) {
    exitCode = await importHsds();
  } else {
    const fromFile = mappingFromFile(values.mapping!);
    if (fromFile && values['dry-run'] && !values.save) {
      // A dry run writes nothing, the mapping included: the file's mapping is used as it is.
      const report = (await imports.plan(database.db, fromFile, imports.mapFile(fromFile, readFileSync(file)))).report;
      printReport(report);
      console.log(report.problemCount.errors > 0 ? 'Dry run: this file cannot be imported until the errors are fixed.' : 'Dry run: nothing written.');
      process.exitCode = report.problemCount.errors > 0 ? 1 : 0;
      await database.close();
      process.exit();
    }
    if (fromFile && (values.save || !(await imports.resolveMapping(database.db, fromFile.name).catch(() => null)))) {
      // A mapping file is saved under its name so that the import (and a later one) can use it.
      await imports.saveMapping(database.db, null, fromFile);
      if (values.save) console.log(`mapping "${fromFile.name}" saved`);
    } else if (fromFile) {
      fail(`A mapping named "${fromFile.name}" is saved already; add --save to replace it with ${path.basename(values.mapping!)}.`);
    }
    const request = {
      mappingName: fromFile?.name ?? values.mapping!,
      bytes: readFileSync(file),
      fileName: path.basename(file),
      archiveDisappeared: values['archive-disappeared'],
    };
    const started = Date.now();
    if (values['dry-run']) {
      const report = await imports.dryRun(database.db, request);
      printReport(report);
      console.log(report.problemCount.errors > 0 ? 'Dry run: this file cannot be imported until the errors are fixed.' : 'Dry run: nothing written.');
      if (report.problemCount.errors > 0) exitCode = 1;
    } else {
      const { done } = await imports.startImport(database.db, null, { ...request, onProgress: progressBar('writing') });
      const report = await done;
      printReport(report);
      const seconds = (Date.now() - started) / 1000;
      console.log(`Imported in ${seconds.toFixed(1)} s (${Math.round(report.rows / seconds).toLocaleString('en')} rows/s).`);
    }
  }
} catch (error) {
  if (error instanceof AppError) {
    console.error(error.message);
    for (const field of error.fields ?? []) console.error(`  ${field.field}: ${field.message}`);
    exitCode = 1;
  } else {
    throw error;
  }
} finally {
  await database.close();
}
process.exit(exitCode);
