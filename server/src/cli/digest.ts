import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createMailer } from '../lib/mailer.ts';
import { openDatabase } from '../plugins/db.ts';
import { sendDigests } from '../modules/updates/digest.ts';
import { cliLog } from './log.ts';

const USAGE = `npm run digest

Sends the weekly e-mail digest of buurt updates: each follower gets one mail a week with what
changed in the areas they follow since their last one, through SMTP_URL. Safe to run as often
as you like (a cron job every hour, or once on Monday morning): a follower who had this week's
digest gets nothing more, and a follower with no changes gets no mail.`;

const { values } = parseArgs({ options: { help: { type: 'boolean' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const config = loadConfig();
const log = { ...cliLog, warn: (details: object, message: string) => console.error(message, JSON.stringify(details)) };
const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, env: config.env }, log);
if (mailer.kind === 'log') console.error('SMTP_URL is not set: in development the digests are written to this log, not mailed.');
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, { ...cliLog, info: () => {} });
try {
  if (mailer.kind === 'none') {
    console.error('SMTP_URL is not set: no digest can be sent (see README, Configuration). Nothing was marked as sent.');
    process.exitCode = 1;
  } else {
    const result = await sendDigests(database.db, mailer, new Date(), { publicUrl: config.publicUrl });
    console.log(`digests sent: ${result.sent}; no changes: ${result.unchanged}; already had this week's: ${result.alreadySent}; failed (tried again next run): ${result.failed}`);
    if (result.failed > 0) process.exitCode = 1;
  }
} finally {
  await database.close();
}
