import { jsonObjectBody, startFakeProvider, type FakeProvider, type FakeRequest, type FakeResponse } from './provider';

/**
 * The Telegram Bot API's sendMessage, as JSON: POST /bot<token>/sendMessage
 * with `chat_id` and `text` (1-4096 characters); answers `{ok: true, result}`
 * or `{ok: false, error_code, description, parameters?}` with error_code as the
 * status (core.telegram.org/bots/api#making-requests, #sendmessage,
 * #responseparameters).
 */

/** The token of BotFather's documentation, valid in form. */
const FAKE_BOT_TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const MAX_TEXT = 4_096;
const CHAT_ID = /^(-?\d+|@\w{5,})$/;
const PARSE_MODES = new Set(['MarkdownV2', 'HTML', 'Markdown']);

function checker(botToken: string) {
  return (request: FakeRequest): string[] => {
    const { body, problems } = jsonObjectBody(request);
    if (request.path !== `/bot${botToken}/sendMessage`) problems.push('path is not /bot<the bot token>/sendMessage');
    if (!body) return problems;
    const { chat_id, text, parse_mode } = body;
    if (!Number.isInteger(chat_id) && !(typeof chat_id === 'string' && CHAT_ID.test(chat_id))) {
      problems.push('chat_id must be an integer, a numeric string or @channelusername');
    }
    if (typeof text !== 'string' || text.trim() === '') problems.push('Bad Request: message text is empty');
    else if (text.length > MAX_TEXT) problems.push('Bad Request: message is too long');
    if (parse_mode !== undefined && !PARSE_MODES.has(parse_mode as string)) problems.push('unsupported parse_mode');
    return problems;
  };
}

const failure = (status: number, description: string, parameters?: object): FakeResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) }),
});

function sentMessage(request: FakeRequest): FakeResponse {
  const { chat_id, text } = JSON.parse(request.body) as { chat_id: string | number; text: string };
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ok: true,
      result: { message_id: 42, date: Math.floor(Date.now() / 1000), chat: { id: chat_id, type: 'supergroup' }, text },
    }),
  };
}

/** A bot on loopback. Flood control asks, as Telegram does, only in the body (`parameters.retry_after`). */
export async function startFakeTelegram(options: { botToken?: string; retryAfterSeconds?: number } = {}) {
  const retryAfter = options.retryAfterSeconds ?? 5;
  return startFakeProvider({
    name: 'telegram',
    check: checker(options.botToken ?? FAKE_BOT_TOKEN),
    respond(next, request) {
      if (next === 'ok') return sentMessage(request);
      if (next === 'retryable') {
        return failure(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
      return failure(400, 'Bad Request: chat not found');
    },
    // The chat blocked the bot: Telegram's way of saying this target will never work again.
    gone: () => failure(403, 'Forbidden: bot was blocked by the user'),
  });
}

/** A hook target (API input) for a supergroup, through the fake. */
export function telegramTargetFor(fake: FakeProvider) {
  return { type: 'telegram' as const, botToken: FAKE_BOT_TOKEN, chatId: '-1001234567890', baseUrl: fake.url };
}
