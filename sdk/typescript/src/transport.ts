import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, HookflowError, TimeoutError, errorClassFor } from './errors.js';
import { RETRIED_STATUSES, parseRetryAfter, retryDelayMs } from './retry.js';

export interface HookflowOptions {
  /** Where the API is, e.g. `https://hooks.example.com` (paths such as `/v1/hooks` are added to it). */
  baseUrl: string;
  /** The admin key or an owner API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** How long one attempt may take before it is abandoned (and retried): 30 s unless given. */
  timeoutMs?: number;
  /** How many times a request is sent again after a 429, a 503 or a failed connection: 2 unless given. */
  maxRetries?: number;
  /** The longest wait before a retry; a `Retry-After` asking for more fails at once. 60 s unless given. */
  maxRetryDelayMs?: number;
  /** The fetch to send requests with (a proxy's, a test's): the global fetch unless given. */
  fetch?: typeof fetch;
}

/** Per call: an abort signal, and the `Idempotency-Key` for the operations that take one. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** For operations that take an Idempotency-Key: yours instead of a generated one, to make your own retries safe. */
  idempotencyKey?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation's request, as the generated resources describe it. */
export interface ApiRequest {
  method: HttpMethod;
  /** The path with its parameters filled in. */
  path: string;
  query?: object;
  body?: object;
  /** Whether the operation takes an Idempotency-Key (the document says so). */
  idempotent?: boolean;
}

type QueryValue = string | number | boolean | undefined | null;

/**
 * Sends the generated resources' requests: the base URL and the key, JSON both ways, a timeout per attempt,
 * retries with backoff on 429, 503 and failed connections, and error answers turned into typed errors.
 */
export class Transport {
  private readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: HookflowOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    // Bound: a fetch called as another object's method may refuse its `this` (browsers' does).
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
  }

  async request<T>(request: ApiRequest, options: RequestOptions = {}): Promise<T> {
    const url = this.url(request);
    const headers = this.headers(request, options);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    for (let retry = 0; ; retry++) {
      const outcome = await this.attempt(request.method, url, headers, body, options.signal);
      if ('text' in outcome) return (outcome.text === '' ? undefined : JSON.parse(outcome.text)) as T;
      const { error } = outcome;
      const retryable = error instanceof ConnectionError || RETRIED_STATUSES.has(error.status ?? 0);
      const delay = retryable && retry < this.maxRetries ? this.delay(retry, error) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, undefined, { signal: options.signal });
    }
  }

  /**
   * One try: the answer's text if it was a success, the error it makes otherwise (thrown only if the caller
   * aborted). The body is read within the timeout too: a connection cut halfway is a failed connection.
   */
  private async attempt(
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    callerSignal: AbortSignal | undefined,
  ): Promise<{ text: string } | { error: HookflowError }> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { method, headers, body, signal });
      text = await response.text();
    } catch (cause) {
      if (callerSignal?.aborted) throw cause;
      const error = timeout.aborted
        ? new TimeoutError(`${method} ${url}: no answer within ${this.timeoutMs} ms`, { code: 'timeout', cause })
        : new ConnectionError(`${method} ${url}: ${reason(cause)}`, { code: 'connection_failed', cause });
      return { error };
    }
    return response.ok ? { text } : { error: errorFrom(response, text) };
  }

  private delay(retry: number, error: HookflowError): number | undefined {
    return retryDelayMs(retry, error.retryAfterSeconds, this.maxRetryDelayMs);
  }

  private url({ path, query }: ApiRequest): string {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries((query ?? {}) as Record<string, QueryValue>)) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  private headers(request: ApiRequest, options: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    // One key per call, reused by its retries: the API answers a repeat with what the first request made.
    if (request.idempotent) headers['idempotency-key'] = options.idempotencyKey ?? ownId(request.body) ?? randomUUID();
    return headers;
  }
}

/**
 * A body that names itself (an event's `id`) is its own idempotency key: the API refuses a key that differs
 * from it (services/events.ts).
 */
function ownId(body: object | undefined): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: unknown; requestId?: string };
}

/** The typed error for an error answer, from its `{"error": {...}}` body when it has one. */
function errorFrom(response: Response, text: string): HookflowError {
  let parsed: ErrorBody = {};
  try {
    parsed = (JSON.parse(text) ?? {}) as ErrorBody;
  } catch {
    // Not JSON (a proxy's page): the status says what happened.
  }
  const error = parsed.error ?? {};
  const ErrorClass = errorClassFor(response.status);
  return new ErrorClass(error.message ?? `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, {
    status: response.status,
    code: error.code ?? `http_${response.status}`,
    details: error.details,
    requestId: error.requestId ?? response.headers.get('x-request-id') ?? undefined,
    retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
  });
}

/** What went wrong with a failed fetch: undici puts the socket's error in `cause`. */
function reason(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause.message : undefined;
  return inner ?? (cause instanceof Error ? cause.message : String(cause));
}
