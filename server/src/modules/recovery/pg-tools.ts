import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A backup or restore that cannot go on, told in terms of what to do about it. */
export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

/** Where Debian, Ubuntu (/usr/lib/postgresql/N) and the PGDG RPMs (/usr/pgsql-N) put each major version. */
function versionedBinaries(tool: PgTool): string[] {
  const debian = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin/${tool}`) : [];
  const rpm = readdirSync('/usr').filter((name) => name.startsWith('pgsql-')).map((name) => `/usr/${name}/bin/${tool}`);
  return [...debian, ...rpm].filter((binary) => existsSync(binary));
}

/** The major version a PostgreSQL program says it is ("pg_dump (PostgreSQL) 15.8" → 15); null when it does not run. */
async function majorVersionOf(binary: string): Promise<number | null> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The pg_dump or pg_restore to use with a server of major version `serverMajor`: one at least
 * as new (an older pg_dump refuses a newer server, and an older pg_restore cannot read a newer
 * archive), the closest such one, from the versioned folders or PATH.
 */
export async function findPgTool(tool: PgTool, serverMajor: number): Promise<{ binary: string; major: number }> {
  const found: Array<{ binary: string; major: number }> = [];
  for (const binary of [...versionedBinaries(tool), tool]) {
    const major = await majorVersionOf(binary);
    if (major !== null) found.push({ binary, major });
  }
  const usable = found.filter(({ major }) => major >= serverMajor).sort((a, b) => a.major - b.major);
  if (usable[0]) return usable[0];
  const seen = found.length ? found.map(({ binary, major }) => `${binary} (${major})`).join(', ') : 'none';
  throw new RecoveryError(
    `${tool} ${serverMajor} or newer is needed for a PostgreSQL ${serverMajor} server; found: ${seen}. ` +
      `Install the PostgreSQL ${serverMajor} client programs (Debian: postgresql-client-${serverMajor}) or put their bin folder on PATH.`,
  );
}

/**
 * How a PostgreSQL program reaches the database of `url`: the URL without its password on the
 * command line (where `ps` shows it to everyone on the machine), the password in PGPASSWORD.
 */
export function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/** Runs a PostgreSQL program; its error output becomes the message when it fails. */
export async function runPgTool(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  try {
    await run(binary, args, { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new RecoveryError(`${path.basename(binary)} failed: ${(stderr || (err as Error).message).trim()}`);
  }
}
