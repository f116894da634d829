import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

/** A database that cannot be opened, with a message that says which setting to look at. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * Creates a folder and its missing parents one level at a time. Node's recursive mkdir loops
 * forever under a parent that refuses new folders without an error of its own (/proc).
 */
export async function ensureFolder(folder: string): Promise<void> {
  const absolute = path.resolve(folder);
  const parent = path.dirname(absolute);
  if (parent !== absolute) {
    try {
      await mkdir(absolute);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      if (code !== 'ENOENT') throw new DatabaseOpenError(`DATA_DIR: cannot create ${absolute}: ${(err as Error).message}`);
    }
    await ensureFolder(parent);
  }
  try {
    await mkdir(absolute);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new DatabaseOpenError(`DATA_DIR: cannot create ${absolute}: ${(err as Error).message}`);
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second server on the same folder would keep its own
 * copy in memory and overwrite the first one's writes when it closes. A lock file with the
 * owner's pid refuses the second; a lock left by a process that died is taken over.
 */
export async function lockDataDir(folder: string): Promise<() => Promise<void>> {
  const file = path.join(folder, 'kwartier.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DatabaseOpenError(`DATA_DIR: cannot write the embedded database's lock file ${file}: ${(err as Error).message}`);
      }
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new DatabaseOpenError(
          `DATA_DIR: the embedded database in ${folder} is in use by process ${owner}; stop that server first, or set DATA_DIR to another folder`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new DatabaseOpenError(`DATA_DIR: could not lock ${folder}`);
}
