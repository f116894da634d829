import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeds/generate.ts';
import { type CountSum, HELD_BACK, type PublishedCount, SMALL, suppressCounts, suppressSmallCounts } from '@kwartier/shared';

describe('small counts of people, as the public sees them', () => {
  it('show 1 to 4 as "< 5", and 0 and 5 up as they are', () => {
    const { cells } = suppressSmallCounts([{ key: 'a', count: 0 }, { key: 'b', count: 3 }, { key: 'c', count: 5 }, { key: 'd', count: 12 }]);
    expect(cells.map((cell) => cell.count)).toEqual([0, '< 5', 5, 12]);
  });

  it('hold a second count back when a published total would give the hidden one away', () => {
    // 20 = 3 + 5 + 12: with only the 3 hidden, 20 − 5 − 12 gives it away.
    const published = suppressSmallCounts([{ key: 'a', count: 3 }, { key: 'b', count: 5 }, { key: 'c', count: 12 }], 20);
    expect(published.cells.map((cell) => cell.count)).toEqual([SMALL, HELD_BACK, 12]);
    expect(published.total).toBe(20);
    // What the public can work out: a + b = 8 with a from 1 to 4 and b at least 5, so a is 1, 2
    // or 3 and b is 5, 6 or 7. Neither is known.
  });

  it('hold one back too when two small counts would share too little to stay unknown', () => {
    // 11 = 1 + 1 + 9: both small ones are hidden, but they share 2, so each must be 1.
    const published = suppressSmallCounts([{ key: 'a', count: 1 }, { key: 'b', count: 1 }, { key: 'c', count: 9 }], 11);
    expect(published.cells.map((cell) => cell.count)).toEqual([SMALL, SMALL, HELD_BACK]);
  });

  it('need nothing more when two hidden counts keep each other unknown, and hide a small total', () => {
    const published = suppressSmallCounts([{ key: 'a', count: 2 }, { key: 'b', count: 1 }, { key: 'c', count: 9 }], 12);
    expect(published.cells.map((cell) => cell.count)).toEqual([SMALL, SMALL, 9]);
    expect(suppressSmallCounts([{ key: 'a', count: 2 }, { key: 'b', count: 0 }], 2).total).toBe(SMALL);
  });

  it('close the gap between levels: a wijk hidden in its gemeente is not the sum of its published buurten', () => {
    // Gemeente 30 = wijk A 27 + wijk B 3. Wijk B's buurten are 3 and 0. Hiding wijk B's 3 is not
    // enough (30 − 27); holding wijk A back then makes wijk A the sum of its published buurten,
    // so one of those goes too.
    const counts = new Map([['G', 30], ['A', 27], ['B', 3], ['a1', 20], ['a2', 7], ['b1', 3], ['b2', 0]]);
    const sums = [{ total: 'G', parts: ['A', 'B'] }, { total: 'A', parts: ['a1', 'a2'] }, { total: 'B', parts: ['b1', 'b2'] }];
    const published = suppressCounts(counts, sums);
    expect(published.get('B')).toBe(SMALL);
    expect(published.get('b1')).toBe(SMALL);
    expect(published.get('A')).toBe(HELD_BACK);
    expect(published.get('a2')).toBe(HELD_BACK);
    expect(published.get('a1')).toBe(20);
    expect(nothingDisclosed(counts, sums, published)).toBe(true);
  });

  it('never let the published figures of a gemeente, its wijken and buurten give a small count away (brute force)', () => {
    const random = seededRandom(20261130);
    let checked = 0;
    for (let round = 0; round < 300; round += 1) {
      const { counts, sums } = randomGemeente(random);
      const published = suppressCounts(counts, sums);
      for (const [key, count] of counts) {
        const shown = published.get(key);
        if (count >= 1 && count <= 4) expect(shown).toBe(SMALL);
        if (typeof shown === 'number') expect(shown).toBe(count);
      }
      const verdict = nothingDisclosed(counts, sums, published);
      if (verdict === 'too big') continue;
      expect(verdict, JSON.stringify({ counts: [...counts], published: [...published] })).toBe(true);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(250);
  });
});

/** A gemeente of 2 or 3 wijken of 1 to 3 buurten, with 0 to 8 people per buurt (many small). */
function randomGemeente(random: () => number): { counts: Map<string, number>; sums: CountSum[] } {
  const counts = new Map<string, number>();
  const sums: CountSum[] = [];
  const wijken: string[] = [];
  const wijkCount = 2 + Math.floor(random() * 2);
  for (let w = 0; w < wijkCount; w += 1) {
    const buurten: string[] = [];
    const buurtCount = 1 + Math.floor(random() * 3);
    for (let b = 0; b < buurtCount; b += 1) {
      const key = `w${w}b${b}`;
      counts.set(key, random() < 0.2 ? 0 : Math.floor(random() * 9));
      buurten.push(key);
    }
    counts.set(`w${w}`, buurten.reduce((sum, key) => sum + counts.get(key)!, 0));
    sums.push({ total: `w${w}`, parts: buurten });
    wijken.push(`w${w}`);
  }
  counts.set('g', wijken.reduce((sum, key) => sum + counts.get(key)!, 0));
  sums.push({ total: 'g', parts: wijken });
  return { counts, sums };
}

/**
 * An independent check: tries every value the hidden buurten could have ("< 5" is 1 to 4,
 * "hidden" 5 up to a ceiling far above any count here), keeps the assignments that agree with
 * everything published, and asks whether some hidden cell has only one possible value left.
 */
function nothingDisclosed(counts: Map<string, number>, sums: CountSum[], published: Map<string, PublishedCount>): boolean | 'too big' {
  const totals = new Set(sums.map((sum) => sum.total));
  const leaves = [...counts.keys()].filter((key) => !totals.has(key));
  const CEILING = 40;
  const domain = (key: string) => {
    const shown = published.get(key)!;
    if (shown === SMALL) return [1, 2, 3, 4];
    if (shown === HELD_BACK) return Array.from({ length: CEILING - 4 }, (_, i) => i + 5);
    return [shown];
  };
  const domains = leaves.map(domain);
  if (domains.reduce((size, values) => size * values.length, 1) > 3_000_000) return 'too big';

  const fits = (key: string, value: number) => {
    const shown = published.get(key)!;
    if (shown === SMALL) return value >= 1 && value <= 4;
    if (shown === HELD_BACK) return value >= 5;
    return value === shown;
  };
  // Totals in an order where every part is known before its total.
  const ordered = [...sums].sort((a, b) => Number(a.parts.some((part) => totals.has(part))) - Number(b.parts.some((part) => totals.has(part))));
  const possible = new Map([...published].filter(([, shown]) => typeof shown !== 'number').map(([key]) => [key, new Set<number>()]));
  const values = new Map<string, number>();
  const visit = (index: number) => {
    if (index === leaves.length) {
      for (const sum of ordered) {
        const total = sum.parts.reduce((acc, part) => acc + values.get(part)!, 0);
        if (!fits(sum.total, total)) return;
        values.set(sum.total, total);
      }
      for (const [key, seen] of possible) seen.add(values.get(key)!);
      return;
    }
    for (const value of domains[index]!) {
      values.set(leaves[index]!, value);
      visit(index + 1);
    }
  };
  visit(0);
  return [...possible.values()].every((seen) => seen.size >= 2);
}
