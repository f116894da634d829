import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { ExportQuerySchema, ROLE_CODES, type Role } from '@kwartier/shared';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { exportCsv, exportGeoJson } from '../modules/interop/export.service.ts';
import { hsdsDataset } from '../modules/interop/hsds.service.ts';
import { cliLog } from './log.ts';

const USAGE = `npm run export -- --format geojson|csv|hsds [--out file] [--as public|professional|moderator] [--area GM0546] [--kind facility]

Writes the published assets to standard output or --out. By default as the public sees them
(public places, no shared contact details); --as moderator writes every field, exact places
included: handle that file as personal data. HSDS is the Open Referral 3.0 dataset (always
public).`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    as: { type: 'string', default: 'public' },
    area: { type: 'string' },
    kind: { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!['geojson', 'csv', 'hsds'].includes(values.format ?? '')) fail('Choose --format geojson, csv or hsds.');
const role = values.as as Role | 'public';
if (role !== 'public' && !(ROLE_CODES as readonly string[]).includes(role)) fail(`--as is public or a role: ${ROLE_CODES.join(', ')}.`);
const query = ExportQuerySchema.safeParse({ ...(values.area ? { area: values.area } : {}), ...(values.kind ? { kind: values.kind } : {}) });
if (!query.success) fail(query.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, { ...cliLog, info: () => {} });
try {
  // Exports by the command line act as a viewer of the chosen role, with no account behind it.
  const viewer = role === 'public' ? null : { id: '00000000-0000-0000-0000-000000000000', roles: [role] };
  const text =
    values.format === 'csv'
      ? await exportCsv(database.db, viewer, query.data)
      : JSON.stringify(values.format === 'hsds' ? await hsdsDataset(database.db) : await exportGeoJson(database.db, viewer, query.data));
  if (values.out) {
    // Owner-only: a moderator's export holds exact places and contact details.
    const out = createWriteStream(values.out, { mode: 0o600 });
    await new Promise<void>((resolve, reject) => out.end(text, () => resolve()).on('error', reject));
    console.error(`written to ${values.out}`);
  } else {
    process.stdout.write(text);
  }
} finally {
  await database.close();
}
