import { describe, expect, it } from 'vitest';
import { formatRange, formatValue, toCsv } from '../web/src/features/buurtscan/format.ts';

describe('buurtscan figures as shown and exported', () => {
  it('shows shares as percentages and counts per 1,000 with one decimal, in the language', () => {
    expect(formatValue(0.8154, 'share_of_inhabitants', 'nl')).toBe('81,5%');
    expect(formatValue(0.8154, 'share_of_assets', 'en')).toBe('81.5%');
    expect(formatValue(2.25, 'per_1000', 'nl')).toBe('2,3');
    expect(formatValue(null, 'per_1000', 'nl')).toBe('–');
    expect(formatRange({ from: 0, to: 0.2 }, 'share_of_assets', 'en')).toBe('0% – 20%');
  });

  it('writes Dutch CSV with semicolons and decimal commas, quoting only what needs it', () => {
    const csv = toCsv(['Buurt', 'Waarde'], [['De Kooi', 81.54], ['Zuid; Oost', null], ['"Oud"', 2]], 'nl');
    expect(csv).toBe('Buurt;Waarde\r\nDe Kooi;81,54\r\n"Zuid; Oost";\r\n"""Oud""";2\r\n');
    expect(toCsv(['a', 'b'], [['x, y', 1.5]], 'en')).toBe('a,b\r\n"x, y",1.5\r\n');
  });
});
