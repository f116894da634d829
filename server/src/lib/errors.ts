import type { z } from 'zod';
import type { ErrorCode, FieldError } from '@kwartier/shared';

/** The one error a service throws on purpose; the error handler turns it into JSON. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', 404, `${what} not found`);

export const invalid = (fields: FieldError[]) =>
  new AppError('VALIDATION_FAILED', 400, `Invalid request: ${fields.map((f) => f.field).join(', ')}`, fields);

/**
 * A 400 from a zod parse a handler runs itself (a body it reads as bytes), naming fields as the
 * schema validation does: an unknown key by its own path (`body.rating`), not its object's.
 */
export function invalidInput(part: string, issues: z.core.$ZodIssue[]): AppError {
  return invalid(
    issues.flatMap((issue) => {
      const at = [part, ...issue.path.map(String)];
      return issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'unknown field' }))
        : [{ field: at.join('.'), message: issue.message }];
    }),
  );
}
