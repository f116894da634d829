/**
 * CSV as spreadsheet programs read it: comma-separated, cells with a comma, semicolon, quote or
 * line break quoted, lines ended by CRLF, and UTF-8 with a byte-order mark so that ë and é
 * survive Excel.
 */
export function csvDocument(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cell = (value: unknown) => {
    const text = defuseFormula(value === null || value === undefined ? '' : String(value));
    return /[",\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\ufeff${[header.map(cell).join(','), ...rows.map((row) => row.map(cell).join(','))].join('\r\n')}\r\n`;
}

/**
 * A cell that starts like a formula (=, +, -, @) would be run by a spreadsheet: text people
 * typed (an asset's name) must not become one. It gets the apostrophe spreadsheets read as
 * "this is text" (OWASP's advice), except numbers and phone numbers, which cannot run anything.
 * The importer takes the apostrophe off again.
 */
export function defuseFormula(text: string): string {
  if (!/^[=+\-@\t\r]/.test(text)) return text;
  if (/^[+-]?\d+([.,]\d+)?$/.test(text) || /^\+?[0-9][0-9 ()-]{5,}$/.test(text)) return text;
  return `'${text}`;
}

/** The importer's side of `defuseFormula`. */
export function restoreFormula(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}
