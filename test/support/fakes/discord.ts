import {
  isObject,
  jsonObjectBody,
  startFakeProvider,
  type FakeProvider,
  type FakeRequest,
  type FakeResponse,
} from './provider';

/**
 * Discord's Execute Webhook: POST JSON to /api[/v10]/webhooks/<id>/<token>;
 * 204, or 200 and the message with `?wait=true`; 429 with `retry_after` in
 * seconds in the body and Retry-After; JSON errors `{code, message}`
 * (discord.com/developers/docs/resources/webhook#execute-webhook,
 * /topics/rate-limits, /topics/opcodes-and-status-codes#json).
 */

const PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d{17,20})\/[\w-]+$/;
const MAX_CONTENT = 2_000;
const MENTION_TYPES = new Set(['roles', 'users', 'everyone']);
/** What a message without content needs one of (a JSON request carries no files). */
const OTHER_PARTS = ['embeds', 'components', 'poll'];

function checkAllowedMentions(value: unknown): string[] {
  if (!isObject(value)) return ['allowed_mentions must be an object'];
  const { parse } = value;
  if (parse === undefined) return [];
  if (!Array.isArray(parse) || !parse.every((type) => MENTION_TYPES.has(type as string))) {
    return ['allowed_mentions.parse must list roles, users or everyone'];
  }
  return [];
}

function check(request: FakeRequest): string[] {
  const { body, problems } = jsonObjectBody(request);
  if (!PATH.test(request.path)) problems.push(`path ${request.path} is not a webhook's`);
  const wait = request.query.get('wait');
  if (wait !== null && wait !== 'true' && wait !== 'false') problems.push('wait must be true or false');
  if (!body) return problems;
  const { content, allowed_mentions } = body;
  if (content !== undefined && typeof content !== 'string') problems.push('content must be a string');
  if (typeof content === 'string' && content.length > MAX_CONTENT) {
    problems.push(`content: Must be ${MAX_CONTENT} or fewer in length`);
  }
  const hasContent = typeof content === 'string' && content.trim() !== '';
  if (!hasContent && OTHER_PARTS.every((part) => body[part] === undefined)) {
    problems.push('50006: Cannot send an empty message');
  }
  if (allowed_mentions !== undefined) problems.push(...checkAllowedMentions(allowed_mentions));
  return problems;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** What Discord answers for a webhook that was deleted. */
const UNKNOWN_WEBHOOK: FakeResponse = {
  status: 404,
  headers: JSON_HEADERS,
  body: JSON.stringify({ message: 'Unknown Webhook', code: 10015 }),
};

function sentMessage(request: FakeRequest): FakeResponse {
  if (request.query.get('wait') !== 'true') return { status: 204 };
  const webhookId = PATH.exec(request.path)?.[1];
  const { content } = JSON.parse(request.body) as { content?: string };
  return {
    status: 200,
    headers: JSON_HEADERS,
    body: JSON.stringify({
      id: '1300000000000000001',
      type: 0,
      content: content ?? '',
      channel_id: '1200000000000000001',
      webhook_id: webhookId,
      author: { id: webhookId, username: 'Hookflow', bot: true },
      timestamp: new Date().toISOString(),
    }),
  };
}

/** A Discord channel's webhook on loopback. */
export async function startFakeDiscord(options: { retryAfterSeconds?: number } = {}) {
  const retryAfter = options.retryAfterSeconds ?? 2.5;
  return startFakeProvider({
    name: 'discord',
    check,
    respond(next, request) {
      if (next === 'ok') return sentMessage(request);
      if (next === 'retryable') {
        return {
          status: 429,
          headers: { ...JSON_HEADERS, 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-scope': 'shared' },
          body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: false }),
        };
      }
      return UNKNOWN_WEBHOOK;
    },
    gone: () => UNKNOWN_WEBHOOK,
  });
}

const WEBHOOK_TOKEN = 'Fk3v9QmZr2Lx7Tn0Yw5Hb8Jc1Pd6Sg4Ua-Ve_Xo3Ki9Mq2Rt7Zn5Lb0Wy8Hc1Jd6Pf4Sa';

/** A hook target (API input) posting to the fake's webhook. */
export function discordTargetFor(fake: FakeProvider) {
  return { type: 'discord' as const, url: `${fake.url}/api/webhooks/1234567890123456789/${WEBHOOK_TOKEN}` };
}
