import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../server/src/lib/paths.ts';
import { TEST_DATABASE_URL, backendUnderTest, testDatabase } from './helpers/app.ts';

const run = promisify(execFile);
const cli = (args: string[], env: Record<string, string>) =>
  run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['server/src/cli/user-create.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
  });

/**
 * `npm run user:create` in its own process, against the test database. The embedded test
 * database lives in this process's memory, out of another process's reach, so this runs on
 * PostgreSQL (CI runs both).
 */
describe.runIf(backendUnderTest === 'postgres')('npm run user:create', () => {
  it('makes the first admin, with the password from KWARTIER_PASSWORD, and refuses bad arguments by name', async () => {
    const email = `beheer.${Date.now()}@gemeente.example.nl`;
    const env = { DATABASE_URL: TEST_DATABASE_URL!, KWARTIER_PASSWORD: 'beheerders wachtwoord', LOG_LEVEL: 'silent' };
    const { stdout } = await cli(['--email', email, '--name', 'Beheer'], env);
    expect(stdout).toMatch(/made with roles resident, admin/);
    const { db } = await testDatabase();
    const row = await db.selectFrom('users').select(['roles', 'password_hash']).where('email', '=', email).executeTakeFirstOrThrow();
    expect(row.roles).toEqual(['resident', 'admin']);
    expect(row.password_hash).toMatch(/^scrypt\$/);

    await expect(cli(['--email', email, '--name', 'Beheer'], env)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('exists already') });
    await expect(cli(['--email', 'x@example.org', '--name', 'X', '--role', 'mayor'], env)).rejects.toMatchObject({ stderr: expect.stringContaining('--role mayor') });
    await expect(cli(['--email', 'y@example.org', '--name', 'Y'], { ...env, KWARTIER_PASSWORD: 'kort' })).rejects.toMatchObject({ stderr: expect.stringContaining('password') });
  }, 60_000);
});
