/** What the API says in an error answer's `{"error": {...}}`, and what the SDK knows of the exchange. */
export interface HookflowErrorFields {
  /** The HTTP status; undefined when no answer came. */
  status?: number;
  /** Stable, for programs: `validation_failed`, `not_found`, `conflict`, ... */
  code: string;
  details?: unknown;
  /** The API's `x-request-id`, to quote when reporting a problem. */
  requestId?: string;
  /** Seconds the API asked to wait before trying again (`Retry-After`). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** Every error the SDK throws. Catch a subclass, or branch on `status` and `code`; never on the message. */
export class HookflowError extends Error {
  readonly status: number | undefined;
  readonly code: string;
  readonly details: unknown;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, fields: HookflowErrorFields) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.status = fields.status;
    this.code = fields.code;
    this.details = fields.details;
    this.requestId = fields.requestId;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/** 400: the request does not match the API's document; `details` names each problem. */
export class ValidationError extends HookflowError {}
/** 401: a missing, unknown or revoked API key. */
export class AuthenticationError extends HookflowError {}
/** 403: the key may not do this (an owner key on an admin route, a read-only portal session). */
export class PermissionError extends HookflowError {}
/** 404: no such resource, or not the key's owner's. */
export class NotFoundError extends HookflowError {}
/** 409: the request conflicts with what is stored (an id reused with other content). */
export class ConflictError extends HookflowError {}
/** 422: well-formed but refused (an unknown event type, data not matching its schema). */
export class UnprocessableError extends HookflowError {}
/** 429: too many requests; retried by the client until its retries run out. */
export class RateLimitError extends HookflowError {}
/** 5xx: the API failed. */
export class ServerError extends HookflowError {}
/** 503: the API's store or Temporal is unreachable and nothing was written; retried by the client. */
export class ServiceUnavailableError extends ServerError {}
/** No answer: the connection failed or was cut. Retried by the client. */
export class ConnectionError extends HookflowError {}
/** No answer within the client's `timeoutMs`. Retried by the client. */
export class TimeoutError extends ConnectionError {}
/** A webhook whose signature, timestamp or headers do not check out: do not trust its body. */
export class WebhookVerificationError extends HookflowError {}

const ERRORS_BY_STATUS: Record<number, typeof HookflowError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableError,
  429: RateLimitError,
  503: ServiceUnavailableError,
};

/** The error class for an HTTP status: the table's, ServerError for other 5xx, HookflowError otherwise. */
export function errorClassFor(status: number): typeof HookflowError {
  return ERRORS_BY_STATUS[status] ?? (status >= 500 ? ServerError : HookflowError);
}
