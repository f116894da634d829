import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { DatabaseOpenError, ensureFolder, lockDataDir } from '../server/src/db/data-dir-lock.ts';
import { loggableError } from '../server/src/plugins/errors.ts';

describe('the embedded database folder lock', () => {
  it('refuses a second server on the same DATA_DIR, and frees the folder on close', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kwartier-lock-'));
    const unlock = await lockDataDir(folder);
    // The lock names a process that is alive (this one is the owner; pretend to be another).
    writeFileSync(path.join(folder, 'kwartier.lock'), String(process.ppid));
    await expect(lockDataDir(folder)).rejects.toThrow(DatabaseOpenError);
    await expect(lockDataDir(folder)).rejects.toThrow(/DATA_DIR.*in use by process/);
    await unlock();
    const again = await lockDataDir(folder);
    await again();
  });

  it('takes over a lock left by a process that died', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kwartier-lock-'));
    writeFileSync(path.join(folder, 'kwartier.lock'), '2147483646');
    const unlock = await lockDataDir(folder);
    await unlock();
  });
});

describe('the DATA_DIR folder', () => {
  it('is created with its parents, and a folder that cannot be made is named, not hung on', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'kwartier-dir-'));
    await ensureFolder(path.join(root, 'a', 'b', 'pglite'));
    expect(existsSync(path.join(root, 'a', 'b', 'pglite'))).toBe(true);
    await ensureFolder(path.join(root, 'a', 'b', 'pglite'));
    await expect(ensureFolder('/proc/kwartier-cannot-be-here/pglite')).rejects.toThrow(/^DATA_DIR: cannot create/);
  });
});

describe('error logging', () => {
  it("keeps a database error's parameters and row detail out of the log", () => {
    const error = Object.assign(new Error('invalid byte sequence'), {
      code: '22021',
      parameters: ['piet.prive@example.org', '2311AB'],
      detail: 'Key (email)=(piet.prive@example.org)',
      query: 'insert into assets ...',
    });
    const logged = JSON.stringify(loggableError(error));
    expect(logged).toContain('invalid byte sequence');
    expect(logged).toContain('22021');
    expect(logged).not.toMatch(/piet|2311AB|insert into/);
  });
});
