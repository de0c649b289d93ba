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

/** GET /v1/portal-session with a key that is not a portal session's token (an owner key, the admin key). */
export class NotPortalSessionError extends AppError {
  constructor() {
    super(404, 'not_found', 'This key is not a portal session: only a portal token (hfp_...) has one');
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

/** No worker ran a hook test in time (none is running, or all are busy); the test was dropped, not queued. */
export class HookTestTimedOutError extends AppError {
  constructor(hookId: string, waitedMs: number, workflowId: string) {
    super(
      504,
      'test_timed_out',
      `The test of hook ${hookId} did not finish within ${waitedMs} ms: no worker took it in time. ` +
        'It was dropped and will not start later; check that a Hookflow worker is running, then try again',
      { workflowId, waitedMs },
    );
  }
}

/** The services Hookflow cannot answer without. */
export type Dependency = 'mongodb' | 'temporal';

const DEPENDENCY_NAMES: Record<Dependency, string> = { mongodb: 'The database (MongoDB)', temporal: 'Temporal' };

/**
 * A service the request needs is unreachable. Nothing was half-done that a
 * retry would not finish: the caller should send the same request again after
 * `retryAfterSeconds`.
 */
export class ServiceUnavailableError extends AppError {
  readonly retryAfterSeconds = 5;

  constructor(readonly service: Dependency) {
    super(
      503,
      'service_unavailable',
      `${DEPENDENCY_NAMES[service]} is unreachable; send the same request again in a few seconds`,
      { service },
    );
  }
}

/** The error and the causes it wraps, outermost first: the SDKs wrap what the transport said. */
export function* causeChain(error: unknown): Generator<Error> {
  for (let cause = error; cause instanceof Error; cause = cause.cause) yield cause;
}
