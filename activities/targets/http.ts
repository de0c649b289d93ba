import type { HttpClient } from '../http/client';
import { standardWebhookSignature } from '../http/signature';
import type { AttemptResult, DeliveryContext, Outcome, Target } from './target';

const METHODS_WITHOUT_BODY = new Set(['GET', 'DELETE']);

/** 2xx delivers; timeouts, throttling and server errors may pass; anything else will not. */
export function classifyHttpStatus(statusCode: number): Outcome {
  if (statusCode >= 200 && statusCode < 300) return 'succeeded';
  if (statusCode === 408 || statusCode === 429 || statusCode >= 500) return 'retryable';
  return 'permanent';
}

interface HttpTargetConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** The Standard Webhooks envelope: `{type, timestamp, data}`. */
function standardPayload(context: DeliveryContext): string {
  const { event } = context;
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data: event.data });
}

export function createHttpTarget(http: HttpClient): Target {
  return {
    async send(context: DeliveryContext): Promise<AttemptResult> {
      const target = context.hook.target as unknown as HttpTargetConfig;
      const sendsBody = !METHODS_WITHOUT_BODY.has(target.method);
      const body = sendsBody ? standardPayload(context) : '';
      const startedAt = new Date();
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      const result = await http.send({
        url: target.url,
        method: target.method,
        headers: {
          ...(sendsBody ? { 'content-type': 'application/json' } : {}),
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
      return {
        outcome: classifyHttpStatus(result.statusCode),
        attempt: { startedAt, durationMs, statusCode: result.statusCode, responseBody: result.body },
      };
    },
  };
}
