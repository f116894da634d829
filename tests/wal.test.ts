import { describe, expect, it } from 'vitest';
import { parseLsn } from '../server/src/db/wal.ts';

describe('write-ahead log positions', () => {
  it('compare as numbers, high word first, whatever the length of the hex', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
  });
});
