/**
 * `npm run bench:import`: import throughput for a CSV of 100,000 rows (BENCH_IMPORT_ROWS) on
 * each database, through the same path as the import screen and `npm run import`: parse, map
 * and validate every row (the dry run), then write them all in one transaction. Then the same
 * file again, where every row is unchanged. The demo's CBS areas are loaded, so the trigger
 * that places each asset in its buurt does real work.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { ImportMappingSchema } from '@kwartier/shared';
import { upsertArea } from '../../server/src/modules/areas/areas.repository.ts';
import { dryRun, saveMapping, startImport } from '../../server/src/modules/interop/import.service.ts';
import { demoAreas } from '../../seeds/demo.ts';
import { onEachBackend } from './backends.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const CATEGORIES = ['lotgenotengroep', 'buurthuis', 'inloop', 'bibliotheek', 'taalcafe', 'repair_cafe', 'sportvereniging', 'buurtcirkel'];

/** A sociale kaart as a municipality keeps it: semicolons, decimal commas, Dutch headers. */
function sampleCsv(rows: number): Buffer {
  const lines = ['Nummer;Naam;Soort;Omschrijving;Kapitaal;Telefoon;Straat;Huisnummer;Postcode;Plaats;Lengtegraad;Breedtegraad'];
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < rows; i++) {
    // Spread over Leiden, Amersfoort and Doetinchem, the demo's areas.
    const [lon, lat] = ([[4.49, 52.16], [5.39, 52.16], [6.29, 51.97]] as const)[i % 3]!;
    lines.push(
      [
        `SK-${i}`, `Initiatief ${i}`, CATEGORIES[i % CATEGORIES.length], 'Elke week, iedereen welkom', i % 2 ? 'bonding|bridging' : 'bridging',
        `071 512 ${String(1000 + (i % 9000))}`, 'Breestraat', String(1 + (i % 200)), '2311CS', 'Leiden',
        (lon + (random() - 0.5) * 0.04).toFixed(5).replace('.', ','), (lat + (random() - 0.5) * 0.03).toFixed(5).replace('.', ','),
      ].join(';'),
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const mapping = ImportMappingSchema.parse({
  name: 'bench-sociale-kaart',
  format: 'csv',
  source: 'bench-sociale-kaart',
  sourceId: { column: 'Nummer' },
  coordinates: { from: 'columns', x: 'Lengtegraad', y: 'Breedtegraad' },
  fields: {
    name: { column: 'Naam' }, category: { column: 'Soort' }, description: { column: 'Omschrijving' },
    socialCapital: { column: 'Kapitaal', split: '|' }, 'contact.phone': { column: 'Telefoon', onInvalid: 'skip' },
    'address.street': { column: 'Straat' }, 'address.houseNumber': { column: 'Huisnummer' }, 'address.postcode': { column: 'Postcode' }, 'address.city': { column: 'Plaats' },
  },
});

const file = sampleCsv(ROWS);
console.log(`import of ${ROWS.toLocaleString('en')} CSV rows (${(file.length / 2 ** 20).toFixed(1)} MiB)`);
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en').padStart(8)} rows/s  (${(ms / 1000).toFixed(1)} s)`;

const results = await onEachBackend(async (backend, database) => {
  const areas = await demoAreas();
  await database.db.transaction().execute(async (trx) => {
    for (const area of areas) await upsertArea(trx, area);
  });
  await sql`TRUNCATE assets CASCADE`.execute(database.db);
  await saveMapping(database.db, null, mapping);
  const request = { mappingName: mapping.name, bytes: file, archiveDisappeared: false };

  let started = performance.now();
  const report = await dryRun(database.db, request);
  const dryMs = performance.now() - started;
  if (report.counts.create !== ROWS) throw new Error(`expected ${ROWS} rows to create, got ${JSON.stringify(report.counts)}`);
  console.log(`  dry run (parse, map, validate, compare)   ${rate(ROWS, dryMs)}`);

  started = performance.now();
  await (await startImport(database.db, null, request)).done;
  const commitMs = performance.now() - started;
  console.log(`  import into an empty source               ${rate(ROWS, commitMs)}`);

  started = performance.now();
  const again = await (await startImport(database.db, null, request)).done;
  const againMs = performance.now() - started;
  if (again.counts.unchanged !== ROWS) throw new Error('the second import should find every row unchanged');
  console.log(`  the same file again (all unchanged)       ${rate(ROWS, againMs)}`);
  const memory = process.memoryUsage();
  console.log(`  process memory after: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
  return [{ backend, dryMs, commitMs, againMs }];
});

if (results.length === 2) {
  const [pglite, postgres] = results;
  console.log(`\nPGlite / PostgreSQL time for the first import: ${(pglite!.commitMs / postgres!.commitMs).toFixed(2)}×`);
}
