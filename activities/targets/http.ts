import { renderPayload } from '../../domain/payloads';
import type { HttpClient } from '../http/client';
import { standardWebhookSignature } from '../http/signature';
import { judgeHttpResult, rendered } from './outcome';
import type { AttemptResult, DeliveryContext, Target } from './target';

const METHODS_WITHOUT_BODY = new Set(['GET', 'DELETE']);

interface HttpTargetConfig {
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** A webhook: the hook's payload format, signed per Standard Webhooks, sent with the hook's method and headers. */
export function createHttpTarget(http: HttpClient, options: { publicUrl: string }): Target {
  return {
    async send(context: DeliveryContext): Promise<AttemptResult> {
      const target = context.hook.target as unknown as HttpTargetConfig;
      const sendsBody = !METHODS_WITHOUT_BODY.has(target.method);
      const startedAt = new Date();
      const payload = rendered(
        () => renderPayload(context, context.hook.format ?? 'standard', context.hook.template, options.publicUrl),
        startedAt,
      );
      if ('failure' in payload) return payload.failure;
      const body = sendsBody ? payload.value.body : '';
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      const result = await http.send({
        url: target.url,
        method: target.method,
        headers: {
          ...(sendsBody ? { 'content-type': payload.value.contentType } : {}),
          ...payload.value.headers,
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
      return judgeHttpResult(result, startedAt);
    },
  };
}
