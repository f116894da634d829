import { describe, expect, it } from 'vitest';
import { classBreaks, classColours, classIndex, quantile } from '../web/src/features/buurtscan/classes.ts';

describe('choropleth classes', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

  it('interpolates quantiles between order statistics', () => {
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 0.5)).toBe(6);
    expect(quantile(values, 0.2)).toBe(3);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile(values, 1)).toBe(11);
  });

  it('puts quantile breaks at the 20th, 40th, 60th and 80th percentile', () => {
    expect(classBreaks(values, 'quantile')).toEqual([
      { from: 1, to: 3 }, { from: 3, to: 5 }, { from: 5, to: 7 }, { from: 7, to: 9 }, { from: 9, to: 11 },
    ]);
    // Every class holds about as many values.
    const counts = [0, 0, 0, 0, 0];
    const classes = classBreaks(values, 'quantile');
    for (const value of values) counts[classIndex(value, classes)!]! += 1;
    expect(counts).toEqual([3, 2, 2, 2, 2]);
  });

  it('splits the range into equal intervals, whatever the distribution', () => {
    expect(classBreaks([0, 1, 2, 100], 'equal')).toEqual([
      { from: 0, to: 20 }, { from: 20, to: 40 }, { from: 40, to: 60 }, { from: 60, to: 80 }, { from: 80, to: 100 },
    ]);
  });

  it('ignores missing values, and merges breaks on tied values', () => {
    expect(classBreaks([null, 0, 0, 0, 0, 0, 0, 5, null], 'quantile')).toEqual([{ from: 0, to: 5 }]);
    expect(classBreaks([2, 2, null], 'equal')).toEqual([{ from: 2, to: 2 }]);
    expect(classBreaks([null, null], 'quantile')).toEqual([]);
  });

  it('classifies with the upper bound inclusive and no value as none', () => {
    const classes = classBreaks([0, 100], 'equal');
    expect(classIndex(0, classes)).toBe(0);
    expect(classIndex(20, classes)).toBe(0);
    expect(classIndex(20.0001, classes)).toBe(1);
    expect(classIndex(100, classes)).toBe(4);
    expect(classIndex(null, classes)).toBeNull();
    expect(classIndex(-1, classes)).toBeNull();
  });

  it('gives as many colours as classes', () => {
    expect(classColours(5)).toHaveLength(5);
    expect(new Set(classColours(3)).size).toBe(3);
  });
});
