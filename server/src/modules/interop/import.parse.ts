import { parse } from 'csv-parse/sync';
import type { ImportMapping, ImportProblem } from '@kwartier/shared';
import { restoreFormula } from '../../lib/csv.ts';
import { declaredCrs } from '../../lib/rd-new.ts';

/**
 * Reading an uploaded file into records, the way people's files really are: CSV with a BOM,
 * separated by semicolons (Dutch Excel), saved as Windows-1252, with a stray broken line; or
 * GeoJSON with an old-style `crs` member. Every problem names its row.
 */

/** One row of a CSV file or one feature of a GeoJSON file. */
export type SourceRecord = {
  /** The CSV line (the header is line 1) or the feature's number (from 1). */
  row: number;
  values: Record<string, unknown>;
  geometry?: unknown;
};

export type ParsedFile = {
  records: SourceRecord[];
  problems: ImportProblem[];
  /** The coordinate system the file itself declares (GeoJSON `crs`), if any. */
  declaredCrs?: 'EPSG:4326' | 'EPSG:28992';
};

const fileProblem = (message: string, row: number | null = null): ImportProblem => ({ row, field: 'file', message, severity: 'error' });

export function parseImportFile(bytes: Uint8Array, mapping: ImportMapping): ParsedFile {
  if (bytes.length === 0) return { records: [], problems: [fileProblem('the file is empty')] };
  return mapping.format === 'csv' ? parseCsv(bytes, mapping.csv) : parseGeoJson(bytes);
}

// CSV ---------------------------------------------------------------------------------------

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function withoutBom(bytes: Uint8Array): Uint8Array {
  return UTF8_BOM.every((byte, i) => bytes[i] === byte) ? bytes.subarray(3) : bytes;
}

/**
 * The text of a CSV file. UTF-8 is expected; a file that is not UTF-8 anywhere but has bytes
 * above 127 is read as Windows-1252 (what Excel saves) under `auto`. A file that mixes both is
 * read as UTF-8, and its broken lines are reported.
 */
function decode(bytes: Uint8Array, encoding: ImportMapping['csv']['encoding']): { text: string; problems: ImportProblem[] } {
  if (encoding === 'windows-1252') return { text: new TextDecoder('windows-1252').decode(bytes), problems: [] };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), problems: [] };
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const hasValidMultibyte = /[\u0080-\uFFFC]/u.test(text.replace(/\uFFFD/g, ''));
    if (encoding === 'auto' && !hasValidMultibyte) return { text: new TextDecoder('windows-1252').decode(bytes), problems: [] };
    const problems = text
      .split(/\r\n|\n|\r/)
      .flatMap((line, index) =>
        line.includes('\uFFFD')
          ? [fileProblem('this line is not valid UTF-8 (perhaps saved as Windows-1252 or Latin-1); save the file as UTF-8', index + 1)]
          : [],
      );
    return { text, problems };
  }
}

/** The separator the header line uses most, outside quotes. */
function detectDelimiter(text: string): ',' | ';' | '\t' {
  const header = text.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const outsideQuotes = header.replace(/"[^"]*"/g, '');
  const [best] = ([',', ';', '\t'] as const)
    .map((delimiter) => ({ delimiter, count: outsideQuotes.split(delimiter).length - 1 }))
    .sort((a, b) => b.count - a.count);
  return best!.count > 0 ? best!.delimiter : ',';
}

function parseCsv(bytes: Uint8Array, options: ImportMapping['csv']): ParsedFile {
  const { text, problems } = decode(withoutBom(bytes), options.encoding);
  const delimiter = options.delimiter === 'auto' ? detectDelimiter(text) : options.delimiter;
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as typeof rows;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? null;
    return { records: [], problems: [...problems, fileProblem(`the CSV cannot be read: ${(error as Error).message.split('\n')[0]}`, line)] };
  }
  const [header, ...body] = rows;
  if (!header) return { records: [], problems: [...problems, fileProblem('the file has no header line')] };
  const columns = header.record.map((name) => name.trim());
  const duplicated = columns.filter((name, i) => name !== '' && columns.indexOf(name) !== i);
  if (duplicated.length > 0) problems.push(fileProblem(`the header names a column twice: ${[...new Set(duplicated)].join(', ')}`, 1));

  const records: SourceRecord[] = [];
  for (const { record, info } of body) {
    // csv-parse counts the line a record ends on; a quoted cell may span lines.
    const row = info.lines;
    if (record.length !== columns.length) {
      problems.push(fileProblem(`this line has ${record.length} cells where the header has ${columns.length}`, row));
      continue;
    }
    records.push({ row, values: Object.fromEntries(columns.map((name, i) => [name, restoreFormula(record[i] ?? '')])) });
  }
  return { records, problems };
}

// GeoJSON -----------------------------------------------------------------------------------

function parseGeoJson(bytes: Uint8Array): ParsedFile {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(withoutBom(bytes)));
  } catch (error) {
    const message = error instanceof TypeError ? 'the file is not valid UTF-8' : `the file is not valid JSON: ${(error as Error).message}`;
    return { records: [], problems: [fileProblem(message)] };
  }
  const collection = document as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } };
  if (collection?.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    return { records: [], problems: [fileProblem('expected a GeoJSON FeatureCollection')] };
  }
  const fileCrs = declaredCrs(collection.crs);
  const problems: ImportProblem[] = [];
  const records: SourceRecord[] = [];
  collection.features.forEach((feature: unknown, index: number) => {
    const candidate = feature as { type?: unknown; properties?: unknown; geometry?: unknown } | null;
    if (candidate?.type !== 'Feature') {
      problems.push(fileProblem('this is not a GeoJSON Feature', index + 1));
      return;
    }
    const values = candidate.properties && typeof candidate.properties === 'object' ? (candidate.properties as Record<string, unknown>) : {};
    records.push({ row: index + 1, values, geometry: candidate.geometry });
  });
  return { records, problems, ...(fileCrs ? { declaredCrs: fileCrs } : {}) };
}
