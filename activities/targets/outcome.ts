import { RenderError } from '../../domain/payloads';
import type { HttpResult } from '../http/client';
import type { AttemptResult, Outcome } from './target';

/**
 * How every target type judges what came back: one place that says what is
 * worth retrying, so that an HTTP hook, GA4, Twilio or Slack fail alike.
 */

const RETRYABLE_STATUSES = new Set([408, 425, 429]);
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 60 * 60 * 1_000;

/** Enough of an answer's headers to debug with, bounded like its body. */
const MAX_RECORDED_HEADERS = 50;
const MAX_RECORDED_HEADER_VALUE = 1024;

/** 2xx delivers; timeouts, throttling and server errors may pass later; any other answer will not. */
export function classifyHttpStatus(statusCode: number): Outcome {
  if (statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (RETRYABLE_STATUSES.has(statusCode) || statusCode >= 500) return 'retryable';
  return 'permanent';
}

/** A wait a target asked for, held within [1 s, 1 h] so that a receiver can neither hammer nor stall us. */
export function boundRetryAfter(ms: number): number {
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}

/** `Retry-After` as seconds or an HTTP date, bounded. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return boundRetryAfter(ms);
}

function recordedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .slice(0, MAX_RECORDED_HEADERS)
    .map(([name, value]) => ({ name, value: value.slice(0, MAX_RECORDED_HEADER_VALUE) }));
}

export interface HttpJudgement {
  /** A provider's own reading of an answer (an error code in its body, say); undefined keeps the status rule. */
  classify?: (response: Extract<HttpResult, { kind: 'response' }>) => Outcome | undefined;
  /** A provider's own way to ask for patience (a field in its JSON body), in ms; the header wins when both exist. */
  retryAfterMs?: (response: Extract<HttpResult, { kind: 'response' }>) => number | undefined;
}

/** The attempt record and outcome of one HTTP exchange with a receiver or a provider's API. */
export function judgeHttpResult(result: HttpResult, startedAt: Date, judgement: HttpJudgement = {}): AttemptResult {
  const durationMs = Date.now() - startedAt.getTime();
  if (result.kind === 'error') {
    return {
      outcome: result.errorKind === 'private_address' ? 'permanent' : 'retryable',
      attempt: { startedAt, durationMs, errorKind: result.errorKind, errorMessage: result.message },
    };
  }
  const outcome = judgement.classify?.(result) ?? classifyHttpStatus(result.statusCode);
  const askedMs = judgement.retryAfterMs?.(result);
  return {
    outcome,
    attempt: {
      startedAt,
      durationMs,
      statusCode: result.statusCode,
      responseHeaders: recordedHeaders(result.headers),
      responseBody: result.body,
    },
    retryAfterMs:
      outcome === 'retryable'
        ? (parseRetryAfter(result.headers['retry-after'], Date.now()) ??
          (askedMs === undefined ? undefined : boundRetryAfter(askedMs)))
        : undefined,
    // Standard Webhooks: 410 means the endpoint is gone and must not be called again.
    disableHook: result.statusCode === 410 ? 'The endpoint answered 410 Gone' : undefined,
  };
}

/** A template that cannot render will not render on a retry either: fail now, saying why. */
export function renderFailure(error: RenderError, startedAt: Date): AttemptResult {
  return {
    outcome: 'permanent',
    attempt: { startedAt, durationMs: 0, errorKind: 'render', errorMessage: error.message },
  };
}

/** Runs a render step, turning a RenderError into the failed attempt it stands for. */
export function rendered<T>(render: () => T, startedAt: Date): { value: T } | { failure: AttemptResult } {
  try {
    return { value: render() };
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    return { failure: renderFailure(error, startedAt) };
  }
}
