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
