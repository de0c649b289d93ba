import {
  isObject,
  jsonObjectBody,
  startFakeProvider,
  type FakeProvider,
  type FakeRequest,
  type FakeResponse,
} from './provider';

/**
 * Slack's incoming webhooks: POST JSON with `text` and/or `blocks` to
 * /services/T.../B.../<token>; `ok` on success, a plain error string otherwise
 * (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks,
 * api.slack.com/docs/rate-limits).
 */

const PATH = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/;
/** Slack cuts `text` beyond this; holding requests to it catches a target that forgot to cut. */
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;

function check(request: FakeRequest): string[] {
  const { body, problems } = jsonObjectBody(request, { payloadError: 'invalid_payload' });
  if (!PATH.test(request.path)) problems.push(`path ${request.path} is not an incoming webhook's`);
  if (!body) return problems;
  const { text, blocks } = body;
  if (text === undefined && blocks === undefined) problems.push('no_text: give text or blocks');
  if (text !== undefined && typeof text !== 'string') problems.push('text must be a string');
  if (typeof text === 'string' && text.length > MAX_TEXT) problems.push(`text is longer than ${MAX_TEXT}`);
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) return [...problems, 'invalid_blocks: blocks must be an array'];
    if (blocks.length > MAX_BLOCKS) problems.push(`invalid_blocks: more than ${MAX_BLOCKS} blocks`);
    blocks.forEach((block, i) => {
      if (!isObject(block) || typeof block.type !== 'string') problems.push(`invalid_blocks: blocks[${i}] has no type`);
    });
  }
  return problems;
}

/** What Slack answers a valid message, with its documented `Retry-After` when rate limited. */
function answer(retryAfterSeconds: number) {
  return {
    ok: { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' },
    retryable: {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
      body: JSON.stringify({ ok: false, count_hour_ago: 400, count_minute_ago: 100, count_second_ago: 5 }),
    },
    // The webhook was revoked or its app removed.
    permanent: { status: 404, headers: { 'content-type': 'text/html' }, body: 'no_service' },
  } satisfies Record<string, FakeResponse>;
}

const ARCHIVED: FakeResponse = { status: 410, headers: { 'content-type': 'text/html' }, body: 'channel_is_archived' };

/** A Slack workspace on loopback. `archiveChannel()` makes every later message meet an archived channel (410). */
export async function startFakeSlack(options: { retryAfterSeconds?: number } = {}) {
  const answers = answer(options.retryAfterSeconds ?? 30);
  let archived = false;
  const fake = await startFakeProvider({
    name: 'slack',
    check,
    respond: (next) => (archived ? ARCHIVED : answers[next]),
    gone: () => answers.permanent,
  });
  return {
    ...fake,
    archiveChannel() {
      archived = true;
    },
  };
}

/** A hook target (API input) posting to the fake's webhook. */
export function slackTargetFor(fake: FakeProvider) {
  return { type: 'slack' as const, url: `${fake.url}/services/T000/B000/XXXX` };
}
