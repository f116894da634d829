import type { Language } from '../../i18n/catalogue.ts';
import type { ValueClass } from './classes.ts';

const locale = (language: Language) => (language === 'nl' ? 'nl-NL' : 'en-GB');

/** Shares (0..1) as a percentage, counts per 1,000 inhabitants as a number with one decimal. */
export function formatValue(value: number | null, unit: string, language: Language): string {
  if (value === null) return '–';
  if (unit === 'share_of_assets' || unit === 'share_of_inhabitants') {
    return new Intl.NumberFormat(locale(language), { style: 'percent', maximumFractionDigits: 1 }).format(value);
  }
  return new Intl.NumberFormat(locale(language), { maximumFractionDigits: 1 }).format(value);
}

export function formatCount(value: number | null, language: Language): string {
  return value === null ? '–' : new Intl.NumberFormat(locale(language)).format(value);
}

export function formatRange(range: ValueClass, unit: string, language: Language): string {
  return range.from === range.to ? formatValue(range.from, unit, language) : `${formatValue(range.from, unit, language)} – ${formatValue(range.to, unit, language)}`;
}

export function formatDate(iso: string, language: Language): string {
  return new Date(iso).toLocaleDateString(locale(language), { day: 'numeric', month: 'long', year: 'numeric' });
}

/**
 * The rows as CSV: in Dutch with semicolons and decimal commas (as Dutch spreadsheets open
 * it), in English with commas and decimal points. Shares are written as percentages.
 */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>, language: Language): string {
  const separator = language === 'nl' ? ';' : ',';
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    const text = typeof value === 'number' ? (language === 'nl' ? String(value).replace('.', ',') : String(value)) : value;
    return text.includes(separator) || /["\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(separator)).join('\r\n') + '\r\n';
}
