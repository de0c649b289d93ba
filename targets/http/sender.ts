import { renderHeaderValue, renderUrl } from '../../core/http-templates';
import { renderPayload, templateScope } from '../../core/payloads';
import { standardWebhookSignature } from '../../activities/http/signature';
import { judgeHttpResult, rendered } from '../sending/outcome';
import type { HttpConfig } from './config';
import type { AttemptResult, DeliveryContext, Sender, SenderDependencies } from '../contract';

const METHODS_WITHOUT_BODY = new Set(['GET', 'DELETE']);

/** The URL, plain headers and body of one send; a RenderError when any of them will never render. */
function renderRequest(context: DeliveryContext<HttpConfig>, publicUrl: string) {
  const { target, format, template } = context.hook;
  const scope = templateScope(context, publicUrl);
  return {
    url: renderUrl(target.url, scope),
    headers: Object.fromEntries(
      Object.entries(target.headers).map(([name, source]) => [name, renderHeaderValue(name, source, scope)] as const),
    ),
    payload: renderPayload(context, format ?? 'standard', template, publicUrl),
  };
}

/**
 * A webhook: the hook's payload format, signed per Standard Webhooks, sent with the hook's method and headers;
 * its URL and plain header values rendered over the event (core/http-templates.ts).
 */
export function createSender({ http, publicUrl }: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<HttpConfig> {
  return {
    async send(context: DeliveryContext<HttpConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const sendsBody = !METHODS_WITHOUT_BODY.has(target.method);
      const startedAt = new Date();
      const request = rendered(() => renderRequest(context, publicUrl), startedAt);
      if ('failure' in request) return request.failure;
      const { url, headers, payload } = request.value;
      const body = sendsBody ? payload.body : '';
      const timestamp = Math.floor(startedAt.getTime() / 1000);
      const result = await http.send({
        url,
        method: target.method,
        headers: {
          ...(sendsBody ? { 'content-type': payload.contentType } : {}),
          ...payload.headers,
          ...headers,
          ...target.secretHeaders,
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
