/**
 * Errors the API turns into answers. Each has a stable `code` that clients can
 * match on; the message is for people.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'validation_failed', message, details);
  }
}

/**
 * A request of the documented shape that breaks a rule its shape cannot show: a name that is not in the
 * catalogue, a template that does not parse, a date before another. The OpenAPI document states every
 * rule it can, so a 400 means "the document said so"; these are 422.
 */
export class UnprocessableError extends AppError {
  constructor(message: string, details?: unknown) {
    super(422, 'unprocessable', message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid API key: send "Authorization: Bearer <key>"') {
    super(401, 'unauthorized', message);
  }
}

export class NotFoundError extends AppError {
  constructor(kind: string, id: string) {
    super(404, 'not_found', `No ${kind} with id ${JSON.stringify(id)}`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}
