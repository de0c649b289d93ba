import { renderPayload, RenderError, type RenderedPayload } from '../../domain/payloads';
import type { HttpClient } from '../http/client';
import { standardWebhookSignature } from '../http/signature';
import type { AttemptResult, DeliveryContext, Outcome, Target } from './target';

const METHODS_WITHOUT_BODY = new Set(['GET', 'DELETE']);

const RETRYABLE_STATUSES = new Set([408, 425, 429]);
const RETRY_AFTER_MIN_MS = 1_000;
const RETRY_AFTER_MAX_MS = 60 * 60 * 1_000;

/** 2xx delivers; timeouts, throttling and server errors may pass later; any other answer will not. */
export function classifyHttpStatus(statusCode: number): Outcome {
  if (statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (RETRYABLE_STATUSES.has(statusCode) || statusCode >= 500) return 'retryable';
  return 'permanent';
}

/** `Retry-After` as seconds or an HTTP date, held within [1 s, 1 h] so a receiver can neither hammer nor stall us. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, ms));
}

/** Enough of an answer's headers to debug with, bounded like its body. */
const MAX_RECORDED_HEADERS = 50;
const MAX_RECORDED_HEADER_VALUE = 1024;

function recordedHeaders(headers: Record<string, string>) {
  return Object.entries(headers)
    .slice(0, MAX_RECORDED_HEADERS)
    .map(([name, value]) => ({ name, value: value.slice(0, MAX_RECORDED_HEADER_VALUE) }));
}

interface HttpTargetConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
}

export function createHttpTarget(http: HttpClient, options: { publicUrl: string }): Target {
  return {
    async send(context: DeliveryContext): Promise<AttemptResult> {
      const target = context.hook.target as unknown as HttpTargetConfig;
      const sendsBody = !METHODS_WITHOUT_BODY.has(target.method);
      const startedAt = new Date();
      let payload: RenderedPayload;
      try {
        payload = renderPayload(context, context.hook.format, context.hook.template, options.publicUrl);
      } catch (error) {
        if (!(error instanceof RenderError)) throw error;
        return {
          outcome: 'permanent',
          attempt: { startedAt, durationMs: 0, errorKind: 'render', errorMessage: error.message },
        };
      }
      const body = sendsBody ? payload.body : '';
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      const result = await http.send({
        url: target.url,
        method: target.method,
        headers: {
          ...(sendsBody ? { 'content-type': payload.contentType } : {}),
          ...payload.headers,
          ...target.headers,
          'webhook-id': context.deliveryId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': standardWebhookSignature({
            id: context.deliveryId,
            timestamp,
            body,
            secrets: context.hook.signingSecrets,
          }),
        },
        body: sendsBody ? body : undefined,
        timeoutMs: context.hook.timeoutMs,
      });
      const durationMs = Date.now() - startedAt.getTime();
      if (result.kind === 'error') {
        return {
          outcome: result.errorKind === 'private_address' ? 'permanent' : 'retryable',
          attempt: { startedAt, durationMs, errorKind: result.errorKind, errorMessage: result.message },
        };
      }
      const outcome = classifyHttpStatus(result.statusCode);
      return {
        outcome,
        attempt: {
          startedAt,
          durationMs,
          statusCode: result.statusCode,
          responseHeaders: recordedHeaders(result.headers),
          responseBody: result.body,
        },
        retryAfterMs: outcome === 'retryable' ? parseRetryAfter(result.headers['retry-after'], Date.now()) : undefined,
        // Standard Webhooks: 410 means the endpoint is gone and must not be called again.
        disableHook: result.statusCode === 410 ? 'The endpoint answered 410 Gone' : undefined,
      };
    },
  };
}
