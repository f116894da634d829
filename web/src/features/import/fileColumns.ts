/**
 * The column names of a file to import, read in the browser so that a mapping can be made from
 * them: the first line of a CSV (separated by ; , or tab, whichever the line has most of), or
 * the property names of a GeoJSON file's first features.
 */
export type FileColumns = { format: 'csv' | 'geojson'; columns: string[]; delimiter: string | null; rows: number | null };

const DELIMITERS = [';', ',', '\t'] as const;

/** Splits one CSV line at `delimiter`, minding double quotes ("a;b" stays one value). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const values: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        value += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else value += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      values.push(value);
      value = '';
    } else value += char;
  }
  values.push(value);
  return values.map((name) => name.trim());
}

/** The delimiter the header line has most of, outside quotes. */
export function guessDelimiter(line: string): string {
  const outside = line.replace(/"[^"]*"/g, '');
  let best: string = DELIMITERS[0];
  let most = -1;
  for (const delimiter of DELIMITERS) {
    const count = outside.split(delimiter).length - 1;
    if (count > most) {
      best = delimiter;
      most = count;
    }
  }
  return best;
}

export function csvColumns(text: string): FileColumns {
  const withoutBom = text.replace(/^\uFEFF/, '');
  const firstLine = withoutBom.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = guessDelimiter(firstLine);
  const columns = splitCsvLine(firstLine, delimiter).filter((name) => name !== '');
  return { format: 'csv', columns, delimiter, rows: null };
}

export function geojsonColumns(text: string): FileColumns {
  const parsed = JSON.parse(text.replace(/^\uFEFF/, '')) as { features?: Array<{ properties?: Record<string, unknown> | null }> };
  const features = Array.isArray(parsed.features) ? parsed.features : [];
  const columns = new Set<string>();
  for (const feature of features.slice(0, 50)) for (const key of Object.keys(feature.properties ?? {})) columns.add(key);
  return { format: 'geojson', columns: [...columns], delimiter: null, rows: features.length };
}

export function isGeojsonFile(file: File): boolean {
  return /\.(geo)?json$/i.test(file.name) || file.type.includes('json');
}

/** Reads the columns of `file`; a CSV only as far as its first line needs. */
export async function readColumns(file: File): Promise<FileColumns> {
  if (isGeojsonFile(file)) return geojsonColumns(await file.text());
  return csvColumns(await file.slice(0, 64 * 1024).text());
}
