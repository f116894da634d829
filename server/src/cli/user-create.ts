import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { ROLE_CODES, type Role, RoleSchema, SignupSchema } from '@kwartier/shared';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../plugins/db.ts';
import { AppError } from '../lib/errors.ts';
import { createUser } from '../modules/accounts/accounts.service.ts';
import { cliLog } from './log.ts';

const USAGE = `npm run user:create -- --email <address> --name <display name> [--role admin] [--role moderator ...]

Makes an account, by default an admin (the first admin of a new installation). The password
is read from the terminal, or from standard input when it is not a terminal (one line), or
from KWARTIER_PASSWORD. Admins grant other roles in the web app or through the API.`;

/** Reads the password without echoing it to the terminal. */
async function readPassword(): Promise<string> {
  if (process.env.KWARTIER_PASSWORD) return process.env.KWARTIER_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (!process.stdin.isTTY) {
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  const output = process.stdout as NodeJS.WriteStream & { write: (text: string) => boolean };
  process.stdout.write('Password (at least 10 characters): ');
  const write = output.write.bind(output);
  output.write = () => true; // hide what is typed
  try {
    return await rl.question('');
  } finally {
    output.write = write;
    process.stdout.write('\n');
    rl.close();
  }
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', multiple: true }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.email) fail('--email is required');
if (!values.name) fail('--name is required');
const roles = (values.role ?? ['admin']).map((role) => {
  const parsed = RoleSchema.safeParse(role);
  if (!parsed.success) fail(`--role ${role}: expected one of ${ROLE_CODES.join(', ')}`);
  return parsed.data;
}) as Role[];
if (!roles.includes('resident')) roles.unshift('resident');

const signup = SignupSchema.safeParse({ email: values.email, displayName: values.name, password: await readPassword() });
if (!signup.success) fail(signup.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n'));

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 }, cliLog);
try {
  const user = await createUser(database.db, signup.data, [...new Set(roles)]);
  console.log(`Account ${user.id} made with roles ${user.roles.join(', ')}; sign in at ${config.publicUrl}`);
} catch (err) {
  if (err instanceof AppError) fail(err.message);
  throw err;
} finally {
  await database.close();
}
