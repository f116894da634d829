/** A LIKE pattern for "contains": `%` and `_` typed by a person mean themselves, not wildcards. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
