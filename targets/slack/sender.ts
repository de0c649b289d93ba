import { RenderError, renderText, templateScope } from '../../core/payloads';
import { chatText, postMessage, secretPath } from '../sending/chat-text';
import { rendered } from '../sending/outcome';
import type { SlackConfig } from './config';
import type { AttemptResult, DeliveryContext, Sender, SenderDependencies } from '../contract';

/**
 * Slack's advice for `text` (chat.postMessage, "Truncating content"): longer
 * reads badly, and beyond 40,000 Slack cuts it itself.
 */
const MAX_TEXT = 4_000;
/** Block Kit's limit per message; Slack refuses more (invalid_blocks). */
const MAX_BLOCKS = 50;

/** Slack's control characters, escaped so that event data can neither format a link nor mention a channel (<!channel>). */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const isBlock = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';

/** The hook's blocks Liquid, rendered and checked now: Slack would only answer invalid_blocks, with no detail. */
function renderBlocks(template: string, context: DeliveryContext, publicUrl: string): object[] {
  const source = renderText(template, templateScope(context, publicUrl));
  let blocks: unknown;
  try {
    blocks = JSON.parse(source);
  } catch {
    throw new RenderError(`The blocks template rendered invalid JSON: ${source.slice(0, 200)}`);
  }
  if (!Array.isArray(blocks) || !blocks.every(isBlock)) {
    throw new RenderError(
      'The blocks template must render a JSON array of Block Kit blocks, each an object with a type',
    );
  }
  if (blocks.length > MAX_BLOCKS) {
    throw new RenderError(`Slack takes at most ${MAX_BLOCKS} blocks; the template rendered ${blocks.length}`);
  }
  return blocks as object[];
}

/**
 * A Slack incoming webhook. `text` is always sent, with blocks too: Slack
 * shows it in notifications. Slack says nearly all in the status (400, 403,
 * 404 final; 410 archived; 429 with Retry-After; 500 passing); a removed
 * webhook (404 no_service) is gone for good, as a 410 is.
 */
export function createSender({ http, publicUrl }: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<SlackConfig> {
  return {
    async send(context: DeliveryContext<SlackConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const startedAt = new Date();
      const message = rendered(
        () => ({
          text: chatText(context, publicUrl, {
            template: target.text,
            escape: escapeMrkdwn,
            maxLength: MAX_TEXT,
          }),
          ...(target.blocks === undefined ? {} : { blocks: renderBlocks(target.blocks, context, publicUrl) }),
        }),
        startedAt,
      );
      if ('failure' in message) return message.failure;
      return postMessage(http, {
        url: target.url,
        message: message.value,
        timeoutMs: context.hook.timeoutMs,
        startedAt,
        secrets: secretPath(target.url),
        // Slack's word for a webhook that was removed; a 410 (archived channel) already disables the hook.
        judgement: {
          gone: (response) =>
            response.statusCode === 404 && response.body.trim() === 'no_service'
              ? 'Slack says the webhook no longer exists (no_service)'
              : undefined,
        },
      });
    },
  };
}
