/**
 * Classes for a choropleth: quantiles (about as many areas in each class) or equal intervals
 * (classes of the same width). Pure, so that the legend and the map can never disagree.
 */
export const CLASS_METHODS = ['quantile', 'equal'] as const;
export type ClassMethod = (typeof CLASS_METHODS)[number];

/** A class from `from` to `to`; the first includes its lower bound, every class its upper bound. */
export type ValueClass = { from: number; to: number };

/** The p-quantile (0..1) of sorted values, linearly interpolated between order statistics (R type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

/**
 * The classes of the known values: `count` of them, fewer when values coincide (quantile
 * breaks that fall on the same value become one break). No values: no classes.
 */
export function classBreaks(values: ReadonlyArray<number | null>, method: ClassMethod, count = 5): ValueClass[] {
  const known = values.filter((value): value is number => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (known.length === 0) return [];
  const min = known[0]!;
  const max = known[known.length - 1]!;
  if (min === max) return [{ from: min, to: max }];
  const inner = Array.from({ length: count - 1 }, (_, i) =>
    method === 'quantile' ? quantile(known, (i + 1) / count) : min + ((max - min) * (i + 1)) / count,
  );
  const bounds = [...new Set([min, ...inner, max])].sort((a, b) => a - b);
  return bounds.slice(1).map((to, i) => ({ from: bounds[i]!, to }));
}

/** The index of the class a value falls in, or null for no value (or a value outside every class). */
export function classIndex(value: number | null, classes: readonly ValueClass[]): number | null {
  if (value === null || !Number.isFinite(value) || classes.length === 0) return null;
  if (value < classes[0]!.from) return null;
  const index = classes.findIndex((range) => value <= range.to);
  return index === -1 ? null : index;
}

/** A sequential ramp (ColorBrewer YlGnBu), light for low values; `count` colours of it. */
const RAMP = ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'];
export const NO_VALUE_COLOUR = '#d9d9d9';

export function classColours(count: number): string[] {
  if (count <= 0) return [];
  if (count === 1) return [RAMP[2]!];
  // Spread the classes over the whole ramp, so that 3 classes are light, middle and dark.
  return Array.from({ length: count }, (_, i) => RAMP[Math.round((i * (RAMP.length - 1)) / (count - 1))]!);
}
