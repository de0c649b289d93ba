import type { DeliveryContext, HookTemplate } from '../targets/contract';
import type { Liquid } from 'liquidjs';
import { FileTagRefusedError, liquid } from './liquid-engine';

/** The bytes to send and how to label them. */
export interface RenderedPayload {
  body: string;
  contentType: string;
  /** Headers a format adds (Misskey's, for instance). */
  headers?: Record<string, string>;
}

/** A template that cannot render will not render on a retry either: the delivery fails at once, saying why. */
export class RenderError extends Error {
  override name = 'RenderError';
}

const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export function templateScope(context: DeliveryContext, publicUrl: string) {
  const { event, hook } = context;
  return {
    event: { ...event, createdAt: event.createdAt.toISOString() },
    hook: { id: hook.id },
    delivery: { id: context.deliveryId },
    hookflow: { url: publicUrl },
  };
}

/**
 * Renders one Liquid template over a templateScope(); a failure is a RenderError that says `what` failed.
 * `engine` is the bounded engine for the text (urlLiquid for a URL).
 */
export function renderText(template: string, scope: object, what = 'The template', engine: Liquid = liquid): string {
  try {
    return engine.parseAndRenderSync(template, scope) as string;
  } catch (error) {
    throw new RenderError(`${what} failed to render: ${(error as Error).message}`);
  }
}

/** Parses a template now, so that a hook with a broken one is refused at creation rather than at delivery. */
export function checkTemplate(source: string): { message: string; fileTag: boolean } | undefined {
  try {
    liquid.parse(source);
    return undefined;
  } catch (error) {
    // liquidjs wraps what a tag throws in its ParseError, keeping it as originalError.
    const fileTag = (error as { originalError?: unknown }).originalError instanceof FileTagRefusedError;
    return { message: (error as Error).message, fileTag };
  }
}

/** Where a message about the event points: the resource's own page when the event carries one, its Hookflow event otherwise. */
export function eventLink(event: DeliveryContext['event'], publicUrl: string): string {
  const data = event.data as { href?: unknown } | null;
  return typeof data?.href === 'string' ? data.href : `${publicUrl}/v1/events/${event.id}`;
}

/**
 * At most `max` UTF-16 code units, ending with `ellipsis` when cut. Code units
 * are the strictest reading of "characters" (Telegram and Twilio count them; a
 * code point count is never larger), and a surrogate pair is never split.
 */
export function cutText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  const kept = text.slice(0, max - ellipsis.length);
  const last = kept.charCodeAt(kept.length - 1);
  return (last >= 0xd800 && last <= 0xdbff ? kept.slice(0, -1) : kept) + ellipsis;
}

/** The event in one line for people (chat messages, SMS, mail subjects): its type and what it is about. */
export function eventHeadline(event: DeliveryContext['event']): string {
  const about = [event.resourceType, event.resourceId].filter(Boolean).join(' ');
  return about ? `${event.type}: ${about}` : event.type;
}

const formats: Record<string, (context: DeliveryContext, publicUrl: string) => RenderedPayload> = {
  /** Standard Webhooks' envelope, and the event's messageId (a batch's shared one) when it has one, else none. */
  standard: ({ event }) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify({
      type: event.type,
      timestamp: event.createdAt.toISOString(),
      data: event.data,
      messageId: event.messageId,
    }),
  }),

  /** Creads Partners: the resource in its new state, absent on deletion. */
  creads: ({ event }) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify({
      event: event.type,
      resource_type: event.resourceType,
      resource_gid: event.resourceId,
      ...(event.type.endsWith('.deleted') ? {} : { resource: event.data }),
    }),
  }),

  /** Misskey: its envelope, and the secret in clear in a header, as Misskey receivers check it (see PreparedHook). */
  misskey: ({ event, hook }, publicUrl) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify({
      server: publicUrl,
      hookId: hook.id,
      userId: event.ownerId,
      eventId: event.id,
      createdAt: event.createdAt.getTime(),
      type: event.type,
      body: event.data,
    }),
    headers: { 'X-Misskey-Hook-Id': hook.id, 'X-Misskey-Hook-Secret': hook.misskeySecret ?? '' },
  }),

  /**
   * IBM Push Notifications: the entity, its application, a millisecond timestamp, and the messageId that the
   * webhook events of one batched send share (POST /v1/events/batch, or an event's own): absent, not null,
   * when the event has none, as JSON.stringify leaves undefined out.
   */
  ibm: ({ event }) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify({
      type: event.type,
      entity: event.data,
      applicationId: event.ownerId,
      eventTimeStamp: event.createdAt.getTime(),
      messageId: event.messageId,
    }),
  }),

  /** Slack and Mattermost incoming webhooks take `text`; `href` and `event` ride along. */
  chat: ({ event }, publicUrl) => ({
    contentType: JSON_TYPE,
    body: JSON.stringify({ text: eventHeadline(event), href: eventLink(event, publicUrl), event: event.type }),
  }),
};

/** Renders the event in the hook's format. Throws RenderError for a template that will never render. */
export function renderPayload(
  context: DeliveryContext,
  format: string,
  template: HookTemplate | undefined,
  publicUrl: string,
): RenderedPayload {
  if (format !== 'template') {
    const render = formats[format];
    if (!render) throw new RenderError(`Unknown payload format ${format}`);
    return render(context, publicUrl);
  }
  if (!template) throw new RenderError('The hook has the template format but no template');
  const scope = templateScope(context, publicUrl);
  if (template.fields) {
    const form = new URLSearchParams();
    for (const [name, source] of Object.entries(template.fields)) form.append(name, renderText(source, scope));
    return { contentType: template.contentType, body: form.toString() };
  }
  const body = renderText(template.body ?? '', scope);
  if (template.contentType.split(';')[0]?.trim() === JSON_TYPE) {
    try {
      JSON.parse(body);
    } catch {
      throw new RenderError(`The template rendered invalid JSON: ${body.slice(0, 200)}`);
    }
  }
  return { contentType: template.contentType, body };
}
