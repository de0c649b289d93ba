import { eventHeadline, RenderError, renderText, templateScope } from '../../domain/payloads';
import type { HttpClient } from '../http/client';
import { judgeHttpResult, type HttpJudgement } from './outcome';
import type { AttemptResult, DeliveryContext } from './target';

/**
 * What the chat targets (Slack, Discord, Telegram) share: a message text
 * rendered from the hook's Liquid or a default naming the event, cut to the
 * provider's limit, posted as JSON, and an attempt record that never holds
 * the secret in the target's URL.
 */

/** Where a chat message points: the resource's own page when the event carries one, its Hookflow event otherwise. */
function eventLink(event: DeliveryContext['event'], publicUrl: string): string {
  const data = event.data as { href?: unknown } | null;
  return typeof data?.href === 'string' ? data.href : `${publicUrl}/v1/events/${event.id}`;
}

const ELLIPSIS = '…';

/**
 * At most `max` UTF-16 code units, the last one an ellipsis when cut. Counting
 * code units is the strictest reading of "characters" (Telegram counts them;
 * a code point count is never larger), and a surrogate pair is never split.
 */
function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max - ELLIPSIS.length);
  const last = kept.charCodeAt(kept.length - 1);
  return (last >= 0xd800 && last <= 0xdbff ? kept.slice(0, -1) : kept) + ELLIPSIS;
}

export interface ChatTextField {
  /** The hook's Liquid for the field; the provider's default when absent. */
  template: string | undefined;
  /** How the provider escapes its markup in the default message, for one that has some in plain text. */
  escape?: (text: string) => string;
  /** The provider's limit, in UTF-16 code units. */
  maxLength: number;
}

/** The default message: what happened to what, and where to see it (chat apps turn the link into a link). */
function defaultText(context: DeliveryContext, publicUrl: string): string {
  return `${eventHeadline(context.event)}\n${eventLink(context.event, publicUrl)}`;
}

/**
 * The text of one message: the hook's Liquid or the default, cut to the
 * provider's limit. Throws RenderError for a template that fails or renders a
 * blank message, which every provider refuses.
 */
export function chatText(context: DeliveryContext, publicUrl: string, field: ChatTextField): string {
  const escape = field.escape ?? ((text: string) => text);
  const text =
    field.template === undefined
      ? escape(defaultText(context, publicUrl))
      : renderText(field.template, templateScope(context, publicUrl));
  if (text.trim() === '')
    throw new RenderError('The text template rendered a blank message, which the provider refuses');
  return cutText(text, field.maxLength);
}

/** An answer's body as a JSON object, for the provider fields that say more than the status (retry_after). */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A seconds field of a provider's answer, in ms. */
export function secondsField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value * 1000 : undefined;
}

const REDACTED = '[redacted]';
/** A trailing piece of a secret this long is hidden too: the 4 KiB cap on recorded bodies may cut one short. */
const MIN_SECRET_FRAGMENT = 8;

function hide(text: string, secrets: readonly string[]): string {
  let hidden = text;
  for (const secret of secrets) {
    hidden = hidden.replaceAll(secret, REDACTED);
    for (let length = secret.length - 1; length >= MIN_SECRET_FRAGMENT; length--) {
      if (hidden.endsWith(secret.slice(0, length))) {
        hidden = hidden.slice(0, -length) + REDACTED;
        break;
      }
    }
  }
  return hidden;
}

/**
 * The attempt with the secrets hidden wherever an answer could echo the URL:
 * a redirect's Location (http:// to https:// keeps the path), a proxy's
 * "Cannot POST /bot<token>/..." page, an error message.
 */
function withoutSecrets(result: AttemptResult, secrets: readonly string[]): AttemptResult {
  const attempt = { ...result.attempt };
  if (attempt.errorMessage) attempt.errorMessage = hide(attempt.errorMessage, secrets);
  if (attempt.responseBody) attempt.responseBody = hide(attempt.responseBody, secrets);
  if (attempt.responseHeaders) {
    attempt.responseHeaders = attempt.responseHeaders.map((h) => ({ name: h.name, value: hide(h.value, secrets) }));
  }
  return { ...result, attempt };
}

/** The secret part of a webhook URL (Slack's and Discord's tokens are in its path); nothing for a bare host. */
export function secretPath(url: string): string[] {
  const { pathname } = new URL(url);
  return pathname.length > 1 ? [pathname] : [];
}

export interface ChatPost {
  url: string;
  message: object;
  timeoutMs: number;
  startedAt: Date;
  /** What may not appear in the attempt record. */
  secrets: readonly string[];
  judgement?: HttpJudgement;
}

/** Posts one message as JSON and judges the answer like every other target (outcome.ts). */
export async function postMessage(http: HttpClient, post: ChatPost): Promise<AttemptResult> {
  const result = await http.send({
    url: post.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(post.message),
    timeoutMs: post.timeoutMs,
  });
  return withoutSecrets(judgeHttpResult(result, post.startedAt, post.judgement), post.secrets);
}
