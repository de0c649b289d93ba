import { RenderError } from '../../core/payloads';
import type { HttpResult } from '../../activities/http/client';
import type { AttemptResult, Outcome } from '../contract';

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

type HttpResponse = Extract<HttpResult, { kind: 'response' }>;

export interface HttpJudgement {
  /** A provider's own reading of an answer (an error code in its body, say); undefined keeps the status rule. */
  classify?: (response: HttpResponse) => Outcome | undefined;
  /** A provider's own way to ask for patience (a field in its JSON body), in ms; the header wins when both exist. */
  retryAfterMs?: (response: HttpResponse) => number | undefined;
  /**
   * A provider's own way of saying the target is gone for good, like a 410
   * (Discord's Unknown Webhook, a bot blocked by its chat): why, to disable the hook.
   */
  gone?: (response: HttpResponse) => string | undefined;
  /** Secrets the request carried in its URL, which an answer or an error may echo: never recorded. */
  secrets?: readonly string[];
}

/** An answer's body as a JSON object, for the provider fields that say more than the status. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A seconds field of a provider's answer, in ms. */
export function secondsField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined;
}

const REDACTED = '[redacted]';
/** A trailing piece of a secret this long is hidden too: the 4 KiB cap on recorded bodies may cut one short. */
const MIN_SECRET_FRAGMENT = 8;

/** Each secret as sent and as a query string encodes it. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = secrets.flatMap((secret) => [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ]);
  return [...new Set(forms)].filter((form) => form.length > 0);
}

function hide(text: string, forms: readonly string[]): string {
  let hidden = text;
  for (const form of forms) {
    hidden = hidden.replaceAll(form, REDACTED);
    for (let length = form.length - 1; length >= MIN_SECRET_FRAGMENT; length--) {
      if (hidden.endsWith(form.slice(0, length))) {
        hidden = hidden.slice(0, -length) + REDACTED;
        break;
      }
    }
  }
  return hidden;
}

/**
 * The result with the secrets hidden wherever an answer could echo the URL: a
 * redirect's Location, a proxy's "Cannot POST /bot<token>/..." page, an error
 * message, a validation server's messages.
 */
export function withoutSecrets(result: AttemptResult, secrets: readonly string[]): AttemptResult {
  const forms = secretForms(secrets);
  if (forms.length === 0) return result;
  const attempt = { ...result.attempt };
  if (attempt.errorMessage) attempt.errorMessage = hide(attempt.errorMessage, forms);
  if (attempt.responseBody) attempt.responseBody = hide(attempt.responseBody, forms);
  if (attempt.responseHeaders) {
    attempt.responseHeaders = attempt.responseHeaders.map((h) => ({ name: h.name, value: hide(h.value, forms) }));
  }
  return {
    ...result,
    attempt,
    ...(result.messages ? { messages: result.messages.map((message) => hide(message, forms)) } : {}),
  };
}

/** The attempt record and outcome of one HTTP exchange with a receiver or a provider's API. */
export function judgeHttpResult(result: HttpResult, startedAt: Date, judgement: HttpJudgement = {}): AttemptResult {
  return withoutSecrets(judgeHttpAnswer(result, startedAt, judgement), judgement.secrets ?? []);
}

function judgeHttpAnswer(result: HttpResult, startedAt: Date, judgement: HttpJudgement): AttemptResult {
  const durationMs = Date.now() - startedAt.getTime();
  if (result.kind === 'error') {
    return {
      outcome: result.errorKind === 'private_address' ? 'permanent' : 'retryable',
      attempt: { startedAt, durationMs, errorKind: result.errorKind, errorMessage: result.message },
    };
  }
  const gone = result.statusCode === 410 ? 'The endpoint answered 410 Gone' : judgement.gone?.(result);
  const outcome = gone ? 'permanent' : (judgement.classify?.(result) ?? classifyHttpStatus(result.statusCode));
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
    // Standard Webhooks: 410 means the endpoint is gone and must not be called again; providers say it their way.
    disableHook: gone,
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
