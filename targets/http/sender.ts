import { renderPayload } from '../../core/payloads';
import { standardWebhookSignature } from '../../activities/http/signature';
import { judgeHttpResult, rendered } from '../sending/outcome';
import type { HttpConfig } from './config';
import type { AttemptResult, DeliveryContext, Sender, SenderDependencies } from '../contract';

const METHODS_WITHOUT_BODY = new Set(['GET', 'DELETE']);

/** A webhook: the hook's payload format, signed per Standard Webhooks, sent with the hook's method and headers. */
export function createSender({ http, publicUrl }: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<HttpConfig> {
  return {
    async send(context: DeliveryContext<HttpConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const sendsBody = !METHODS_WITHOUT_BODY.has(target.method);
      const startedAt = new Date();
      const payload = rendered(
        () => renderPayload(context, context.hook.format ?? 'standard', context.hook.template, publicUrl),
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
