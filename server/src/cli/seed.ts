import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { cliLog } from './log.ts';
import { seedDemoData } from '../../../seeds/demo.ts';

/** `npm run db:seed` (re)loads the demo data; running it twice updates rather than duplicates. */
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, cliLog);
try {
  const loaded = await seedDemoData(database.db, cliLog);
  console.log(`${database.backend}: ${loaded.areas} areas and ${loaded.assets} assets loaded`);
} finally {
  await database.close();
}
