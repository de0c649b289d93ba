import { chatText, postMessage, secretPath } from '../sending/chat-text';
import { jsonObject, rendered, secondsField } from '../sending/outcome';
import type { DiscordConfig } from './config';
import type { AttemptResult, DeliveryContext, Sender, SenderDependencies } from '../contract';

/** Discord's JSON error code for a webhook that was deleted. */
const UNKNOWN_WEBHOOK = 10015;

/** Execute Webhook: `content` takes up to 2,000 characters; Discord refuses more (400). */
const MAX_CONTENT = 2_000;

/**
 * With `wait=true` Discord confirms the message was saved (200 and the
 * message) or says why not; without it, a message that fails to save still
 * answers 204. The owner's own query (thread_id) is kept.
 */
function executeUrl(url: string): string {
  const execute = new URL(url);
  execute.searchParams.set('wait', 'true');
  return execute.toString();
}

/**
 * A Discord webhook. Mentions are never parsed, so that event data can never
 * ping @everyone, a role or a user. A 429 carries `retry_after` in seconds in
 * its JSON body as well as Retry-After (which wins when both are there); a
 * deleted webhook (404, Unknown Webhook) is gone for good, as a 410 is.
 */
export function createSender({
  http,
  publicUrl,
}: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<DiscordConfig> {
  return {
    async send(context: DeliveryContext<DiscordConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const startedAt = new Date();
      const content = rendered(
        () =>
          chatText(context, publicUrl, {
            template: target.content,
            maxLength: MAX_CONTENT,
          }),
        startedAt,
      );
      if ('failure' in content) return content.failure;
      return postMessage(http, {
        url: executeUrl(target.url),
        message: { content: content.value, allowed_mentions: { parse: [] } },
        timeoutMs: context.hook.timeoutMs,
        startedAt,
        secrets: secretPath(target.url),
        judgement: {
          retryAfterMs: (response) => secondsField(jsonObject(response.body)?.retry_after),
          gone: (response) =>
            response.statusCode === 404 && jsonObject(response.body)?.code === UNKNOWN_WEBHOOK
              ? 'Discord says the webhook no longer exists (Unknown Webhook)'
              : undefined,
        },
      });
    },
  };
}
