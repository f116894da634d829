import { z } from 'zod';
import type { Label } from './taxonomy.ts';

/**
 * Counts of people as the public may see them, the way statistics offices publish them.
 *
 * - Primary suppression: a count from 1 to 4 is shown as "< 5". Zero is shown: it tells no
 *   one anything about a person.
 * - Secondary suppression: where published figures add up (a wijk is the sum of its buurten,
 *   a gemeente the sum of its wijken), a hidden count could be worked out by subtraction. So
 *   after hiding, an audit works out what the public can still infer: every sum gives each
 *   hidden cell a range, and the ranges tighten each other until nothing changes. A hidden cell
 *   whose range has shrunk to one value is disclosed; then the smallest published non-zero
 *   count in one of its sums is hidden as well ("hidden": not a small count, held back so that
 *   a small one cannot be worked out), and the audit runs again.
 *
 * The audit assumes the public knows this method: "< 5" means 1 to 4, "hidden" means 5 or more.
 * Analysts see the exact figures; only the public is served through this.
 */
export const SMALL_COUNT_THRESHOLD = 5;
export const SMALL = '< 5' as const;
export const HELD_BACK = 'hidden' as const;
export type PublishedCount = number | typeof SMALL | typeof HELD_BACK;
export const PublishedCountSchema = z.union([z.number().int().min(0), z.literal(SMALL), z.literal(HELD_BACK)]);

export const SMALL_COUNT_NOTE: Label = {
  nl: 'Aantallen mensen van 1 tot 4 staan er als “< 5”; een aantal met “•” is weggelaten zodat een klein aantal niet is terug te rekenen.',
  en: 'Counts of people from 1 to 4 are shown as “< 5”; a count shown as “•” is held back so that a small count cannot be worked out.',
};

/** `total` is the sum of `parts`, for example a wijk and its buurten. */
export type CountSum = { total: string; parts: readonly string[] };

type Range = { lo: number; hi: number };

const isSmall = (count: number) => count > 0 && count < SMALL_COUNT_THRESHOLD;

/**
 * Publishes `counts` (by key) for the public. Keys that are not in `counts` are unknown (not
 * entered); a sum with an unknown part or total is no sum the public can use, so it is skipped.
 */
export function suppressCounts(counts: ReadonlyMap<string, number>, sums: readonly CountSum[] = []): Map<string, PublishedCount> {
  const usable = sums.filter((sum) => counts.has(sum.total) && sum.parts.every((part) => counts.has(part)));
  const hidden = new Map<string, typeof SMALL | typeof HELD_BACK>();
  for (const [key, count] of counts) if (isSmall(count)) hidden.set(key, SMALL);

  for (;;) {
    const disclosed = firstDisclosed(counts, usable, hidden);
    if (disclosed === undefined) break;
    const next = nextToHide(counts, usable, hidden, disclosed);
    // Nothing left to hide in its sums: then no more hiding can help, and the loop must end.
    // The brute-force test finds no such case for buurten, wijken and gemeenten.
    if (next.length === 0) break;
    for (const key of next) hidden.set(key, HELD_BACK);
  }
  return new Map([...counts].map(([key, count]) => [key, hidden.get(key) ?? count]));
}

/** A flat table with an optional total: the common case, and the one the tests spell out. */
export function suppressSmallCounts(
  cells: ReadonlyArray<{ key: string; count: number }>,
  total?: number,
): { cells: Array<{ key: string; count: PublishedCount }>; total?: PublishedCount } {
  const TOTAL = '\u0000total';
  const counts = new Map(cells.map((cell) => [cell.key, cell.count]));
  if (total !== undefined) counts.set(TOTAL, total);
  const published = suppressCounts(counts, total !== undefined ? [{ total: TOTAL, parts: cells.map((cell) => cell.key) }] : []);
  return {
    cells: cells.map((cell) => ({ key: cell.key, count: published.get(cell.key)! })),
    ...(total !== undefined ? { total: published.get(TOTAL)! } : {}),
  };
}

/** What the public can infer about each cell: exact where published, a range where hidden. */
export function inferableRanges(
  counts: ReadonlyMap<string, number>,
  sums: readonly CountSum[],
  hidden: ReadonlyMap<string, PublishedCount>,
): Map<string, Range> {
  const ranges = new Map<string, Range>();
  for (const [key, count] of counts) {
    const marker = hidden.get(key);
    ranges.set(key, marker === SMALL ? { lo: 1, hi: SMALL_COUNT_THRESHOLD - 1 } : marker === HELD_BACK ? { lo: SMALL_COUNT_THRESHOLD, hi: Infinity } : { lo: count, hi: count });
  }
  // Each sum narrows its cells from the others' ranges; repeat until nothing narrows. Ranges
  // only shrink and are whole numbers, so this ends.
  for (let changed = true; changed; ) {
    changed = false;
    for (const sum of sums) {
      const parts = sum.parts.map((part) => ranges.get(part)!);
      const total = ranges.get(sum.total)!;
      const partsLo = parts.reduce((acc, range) => acc + range.lo, 0);
      // The upper bounds' sum, kept as a finite part and a count of unbounded ones, so that
      // "the others' upper bound" never becomes Infinity − Infinity.
      const finiteHi = parts.reduce((acc, range) => acc + (Number.isFinite(range.hi) ? range.hi : 0), 0);
      const unbounded = parts.filter((range) => !Number.isFinite(range.hi)).length;
      changed = narrow(total, partsLo, unbounded > 0 ? Infinity : finiteHi) || changed;
      for (const part of parts) {
        const othersLo = partsLo - part.lo;
        const partBounded = Number.isFinite(part.hi);
        const othersHi = unbounded - (partBounded ? 0 : 1) > 0 ? Infinity : finiteHi - (partBounded ? part.hi : 0);
        changed = narrow(part, total.lo - othersHi, total.hi - othersLo) || changed;
      }
    }
  }
  return ranges;
}

function narrow(range: Range, lo: number, hi: number): boolean {
  const newLo = Math.max(range.lo, lo);
  const newHi = Math.min(range.hi, hi);
  if (newLo === range.lo && newHi === range.hi) return false;
  range.lo = newLo;
  range.hi = newHi;
  return true;
}

function firstDisclosed(counts: ReadonlyMap<string, number>, sums: readonly CountSum[], hidden: ReadonlyMap<string, PublishedCount>): string | undefined {
  const ranges = inferableRanges(counts, sums, hidden);
  return [...hidden.keys()].sort().find((key) => ranges.get(key)!.lo === ranges.get(key)!.hi);
}

/** The smallest published non-zero count that shares a sum with the disclosed cell. */
function nextToHide(
  counts: ReadonlyMap<string, number>,
  sums: readonly CountSum[],
  hidden: ReadonlyMap<string, PublishedCount>,
  disclosed: string,
): string[] {
  const neighbours = new Set(
    sums.filter((sum) => sum.total === disclosed || sum.parts.includes(disclosed)).flatMap((sum) => [sum.total, ...sum.parts]),
  );
  const candidates = [...neighbours]
    .filter((key) => !hidden.has(key) && counts.get(key)! > 0)
    .sort((a, b) => counts.get(a)! - counts.get(b)! || a.localeCompare(b));
  return candidates.slice(0, 1);
}
