/**
 * CSV as spreadsheet programs read it: comma-separated, cells with a comma, semicolon, quote or
 * line break quoted, lines ended by CRLF, and UTF-8 with a byte-order mark so that ë and é
 * survive Excel.
 */
export function csvDocument(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cell = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\ufeff${[header.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))].join('\r\n')}\r\n`;
}
