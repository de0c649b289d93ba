import { chatText, postMessage } from '../sending/chat-text';
import { jsonObject, rendered, secondsField } from '../sending/outcome';
import type { TelegramConfig } from './config';
import type { AttemptResult, DeliveryContext, Sender, SenderDependencies } from '../contract';

const DEFAULT_BASE_URL = 'https://api.telegram.org';
/** sendMessage: `text` is 1-4096 characters; Telegram refuses more (400). */
const MAX_TEXT = 4_096;

/** Telegram's ResponseParameters.retry_after: the seconds flood control asks for, in a 429's JSON body. */
function floodWaitMs(body: string): number | undefined {
  const parameters = jsonObject(body)?.parameters;
  return typeof parameters === 'object' && parameters !== null
    ? secondsField((parameters as { retry_after?: unknown }).retry_after)
    : undefined;
}

/** A 403 that will never pass: the chat blocked or removed the bot (any other 403 is left to the status rule). */
function botShutOut(body: string): string | undefined {
  const description = jsonObject(body)?.description;
  return typeof description === 'string' && /bot was (blocked|kicked)/i.test(description)
    ? `Telegram: ${description}`
    : undefined;
}

/**
 * A Telegram bot's sendMessage, as plain text (no parse_mode) so that event
 * data cannot break the formatting and get the message refused. Telegram
 * answers with the status of its error_code (400 chat not found, 401, 403:
 * final; 429: passing); a bot blocked or kicked from its chat is gone for good,
 * as a 410 is. The bot token is in the URL's path: it is kept out of the
 * attempt record.
 */
export function createSender({
  http,
  publicUrl,
}: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<TelegramConfig> {
  return {
    async send(context: DeliveryContext<TelegramConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const startedAt = new Date();
      const text = rendered(
        () =>
          chatText(context, publicUrl, {
            template: target.text,
            maxLength: MAX_TEXT,
          }),
        startedAt,
      );
      if ('failure' in text) return text.failure;
      const baseUrl = (target.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
      return postMessage(http, {
        url: `${baseUrl}/bot${target.botToken}/sendMessage`,
        message: { chat_id: target.chatId, text: text.value },
        timeoutMs: context.hook.timeoutMs,
        startedAt,
        secrets: [target.botToken],
        judgement: {
          retryAfterMs: (response) => floodWaitMs(response.body),
          gone: (response) => (response.statusCode === 403 ? botShutOut(response.body) : undefined),
        },
      });
    },
  };
}
