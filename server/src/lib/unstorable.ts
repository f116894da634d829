import type { FieldError } from '@kwartier/shared';

/** Node 20 has String.prototype.isWellFormed (ES2024); the TypeScript lib here does not. */
const isWellFormed = (text: string) => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** Deeper than any of Kwartier's schemas goes; deeper input is refused before it is walked. */
const MAX_DEPTH = 32;

/**
 * Problems no schema can express, with the path of each: a string PostgreSQL cannot store (a
 * NUL character, or a lone UTF-16 surrogate that `\ud800` in JSON produces), and nesting
 * deeper than any route accepts. Walked with an explicit stack: recursion would overflow on
 * a hostile body ten thousand levels deep.
 */
export function unstorableInput(root: unknown, rootPath: string): FieldError[] {
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0 && found.length < 20) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push({ field: path, message: 'text must not contain a NUL character (\\u0000)' });
      else if (!isWellFormed(value)) found.push({ field: path, message: 'text must be valid Unicode (it holds a lone surrogate)' });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) {
        found.push({ field: path, message: `nested more than ${MAX_DEPTH} levels deep` });
        continue;
      }
      const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
      for (const [key, item] of entries) stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return found;
}
