import { cutText, eventHeadline, eventLink, RenderError, renderText, templateScope } from '../../core/payloads';
import type { HttpClient } from '../../activities/http/client';
import { judgeHttpResult, type HttpJudgement } from './outcome';
import type { AttemptResult, DeliveryContext } from '../contract';

/**
 * What the chat targets (Slack, Discord, Telegram) share: a message text
 * rendered from the hook's Liquid or a default naming the event, cut to the
 * provider's limit, posted as JSON, and an attempt record that never holds
 * the secret in the target's URL.
 */

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
  return judgeHttpResult(result, post.startedAt, { ...post.judgement, secrets: post.secrets });
}
