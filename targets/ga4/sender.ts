import { createHash } from 'node:crypto';
import { renderText, templateScope } from '../../core/payloads';
import type { HttpResult } from '../../activities/http/client';
import { judgeHttpResult, rendered, withoutSecrets, type HttpJudgement } from '../sending/outcome';
import type { Ga4Config } from './config';
import type { AttemptResult, DeliveryContext, DeliveryEvent, Sender, SenderDependencies } from '../contract';

/**
 * Google Analytics 4 through the Measurement Protocol: one event per delivery,
 * named after the event type, for a client id stable per hook and subject.
 *
 * Rules below are Google's:
 * - Measurement Protocol reference and "Send events" guide (limits, reserved
 *   names, timestamp_micros):
 *   https://developers.google.com/analytics/devguides/collection/protocol/ga4/reference
 *   https://developers.google.com/analytics/devguides/collection/protocol/ga4/sending-events
 * - GA help "Event naming rules" (the web reserved names and prefixes):
 *   https://support.google.com/analytics/answer/13316687
 * - "Validate events" (/debug/mp/collect and its validationMessages):
 *   https://developers.google.com/analytics/devguides/collection/protocol/ga4/validating-events
 */

type Ga4Value = string | number;

const GOOGLE_ANALYTICS_URL = 'https://www.google-analytics.com';

/** A Google Analytics endpoint, on the hook's baseUrl when it has one (appended, so that a proxy's path stays). */
export function analyticsUrl(baseUrl: string | undefined, path: string): string {
  return `${(baseUrl ?? GOOGLE_ANALYTICS_URL).replace(/\/+$/, '')}${path}`;
}

export const GA4_LIMITS = {
  eventsPerRequest: 25,
  paramsPerEvent: 25,
  nameLength: 40,
  /** In characters, for a standard property (360 allows 500). */
  paramValueLength: 100,
  /** How far back timestamp_micros may place an event. */
  backdateMs: 72 * 60 * 60 * 1000,
};

/** GA's own names, refused for events: the MP reference's list and the GA help's web list. */
export const GA4_RESERVED_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ad_activeview',
  'ad_click',
  'ad_exposure',
  'ad_impression',
  'ad_query',
  'ad_reward',
  'adunit_exposure',
  'app_background',
  'app_clear_data',
  'app_exception',
  'app_install',
  'app_remove',
  'app_store_refund',
  'app_store_subscription_cancel',
  'app_store_subscription_renew',
  'app_update',
  'app_upgrade',
  'click',
  'dynamic_link_app_open',
  'dynamic_link_app_update',
  'dynamic_link_first_open',
  'error',
  'file_download',
  'firebase_campaign',
  'firebase_in_app_message_action',
  'firebase_in_app_message_dismiss',
  'firebase_in_app_message_impression',
  'first_open',
  'first_visit',
  'form_start',
  'form_submit',
  'in_app_purchase',
  'notification_dismiss',
  'notification_foreground',
  'notification_open',
  'notification_receive',
  'os_update',
  'page_view',
  'scroll',
  'session_start',
  'session_start_with_rollout',
  'user_engagement',
  'video_progress',
  'video_start',
  'view_complete',
  'view_search_results',
]);

/** Prefixes no parameter (nor event) name may start with. */
export const GA4_RESERVED_PREFIXES: readonly string[] = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];
/** The GA help adds this one for web event names. */
export const GA4_RESERVED_EVENT_PREFIXES: readonly string[] = [...GA4_RESERVED_PREFIXES, 'query_id'];
export const GA4_RESERVED_PARAM_NAMES: ReadonlySet<string> = new Set(['firebase_conversion']);

/**
 * Valid names that GA reads as its own session and attribution data: a field
 * of an event's data that happens to bear one must not become one.
 */
const GA_SESSION_PARAMS = new Set(['engagement_time_msec', 'gclid', 'session_id', 'session_number']);

/** Prepended to an event name GA would refuse or keep for itself. */
const SAFE_PREFIX = 'hookflow_';
const NAME_SYNTAX = /^[A-Za-z][A-Za-z0-9_]*$/;
/** A minute short of GA's 72 h, for the time the request spends in flight. */
const BACKDATE_WINDOW_MS = GA4_LIMITS.backdateMs - 60_000;

/** Reserved names are compared without case: GA's lists are lowercase, and a near-miss is not worth the risk. */
function isReserved(name: string, names: ReadonlySet<string>, prefixes: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return names.has(lower) || prefixes.some((prefix) => lower.startsWith(prefix));
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * The event type as a GA4 event name, the same for the same type every time:
 * accents dropped, every other run of non-alphanumerics one underscore
 * (`dataset-published` and `resource.created` read as GA users expect), a
 * reserved or non-letter start behind SAFE_PREFIX, and a name too long cut
 * with a hash of the type so that two long types stay two events.
 */
function ga4EventName(type: string): string {
  const cleaned = type
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const named = cleaned || `event_${shortHash(type)}`;
  const safe =
    NAME_SYNTAX.test(named) && !isReserved(named, GA4_RESERVED_EVENT_NAMES, GA4_RESERVED_EVENT_PREFIXES)
      ? named
      : `${SAFE_PREFIX}${named}`;
  if (safe.length <= GA4_LIMITS.nameLength) return safe;
  const suffix = `_${shortHash(type)}`;
  return `${safe.slice(0, GA4_LIMITS.nameLength - suffix.length).replace(/_+$/, '')}${suffix}`;
}

function isDefaultParamName(name: string): boolean {
  return (
    name.length <= GA4_LIMITS.nameLength &&
    NAME_SYNTAX.test(name) &&
    !GA_SESSION_PARAMS.has(name) &&
    !isReserved(name, GA4_RESERVED_PARAM_NAMES, GA4_RESERVED_PREFIXES)
  );
}

/** GA counts characters: cut by code points so that no surrogate pair is split. */
function cutValue(value: string): string {
  const chars = [...value];
  return chars.length <= GA4_LIMITS.paramValueLength ? value : chars.slice(0, GA4_LIMITS.paramValueLength).join('');
}

/** What GA can hold of a JSON scalar: strings and finite numbers; a boolean as its text; anything else nothing. */
function scalarValue(value: unknown): Ga4Value | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** The event's identity, then the top-level scalar fields of its data whose names GA accepts as they are. */
function defaultParams(event: DeliveryEvent): [string, Ga4Value | undefined][] {
  const fixed: [string, Ga4Value | undefined][] = [
    ['event_id', event.id],
    ['resource_type', event.resourceType],
    ['resource_id', event.resourceId],
  ];
  const fixedNames = new Set(fixed.map(([name]) => name));
  const data = event.data !== null && typeof event.data === 'object' && !Array.isArray(event.data) ? event.data : {};
  const fromData = Object.entries(data)
    .filter(([name]) => !fixedNames.has(name) && isDefaultParamName(name))
    .map(([name, value]): [string, Ga4Value | undefined] => [name, scalarValue(value)]);
  return [...fixed, ...fromData];
}

/**
 * Liquid renders text, but GA sums only numbers (`value`, custom metrics): a
 * rendered canonical finite number is sent as one. "007", "1e3" or "Infinity" stay text.
 */
function renderedValue(text: string): Ga4Value {
  const number = Number(text);
  return Number.isFinite(number) && String(number) === text ? number : text;
}

/** The hook's own params, each a Liquid template over the event. Throws RenderError. */
function configuredParams(templates: Record<string, string>, context: DeliveryContext, publicUrl: string) {
  const scope = templateScope(context, publicUrl);
  return Object.entries(templates).map(([name, source]): [string, Ga4Value] => [
    name,
    renderedValue(renderText(source, scope)),
  ]);
}

/** An empty value is left out (GA then shows "(not set)"), then GA's count and length limits apply. */
function withinLimits(entries: [string, Ga4Value | undefined][]): Record<string, Ga4Value> {
  const kept = entries.filter((entry): entry is [string, Ga4Value] => entry[1] !== undefined && entry[1] !== '');
  return Object.fromEntries(
    kept
      .slice(0, GA4_LIMITS.paramsPerEvent)
      .map(([name, value]) => [name, typeof value === 'string' ? cutValue(value) : value]),
  );
}

/**
 * The hook and the event's subject (its resource, else its owner), hashed:
 * analytics ids that stay the same for the same subject through one hook, so
 * that GA counts subjects rather than deliveries, and that reveal neither.
 */
export function subjectDigest(context: DeliveryContext): Buffer {
  const { event, hook } = context;
  const subject = event.resourceId
    ? ['resource', event.resourceType ?? '', event.resourceId]
    : ['owner', event.ownerId];
  return createHash('sha256')
    .update(JSON.stringify([hook.id, ...subject]))
    .digest();
}

/** In the `digits.digits` shape gtag.js gives its client ids. */
function ga4ClientId(context: DeliveryContext): string {
  const digest = subjectDigest(context);
  return `${digest.readUInt32BE(0)}.${digest.readUInt32BE(4)}`;
}

interface Ga4Payload {
  client_id: string;
  timestamp_micros?: number;
  events: { name: string; params: Record<string, Ga4Value> }[];
}

/** The request body for one event. Throws RenderError when a configured param does not render. */
function ga4Payload(context: DeliveryContext, config: Ga4Config, publicUrl: string, now: number): Ga4Payload {
  const { event } = context;
  const params = config.params ? configuredParams(config.params, context, publicUrl) : defaultParams(event);
  const age = now - event.createdAt.getTime();
  // A retried delivery keeps the event's own time, as far back as GA takes it; GA stamps it on receipt otherwise.
  const backdated = age >= 0 && age <= BACKDATE_WINDOW_MS;
  return {
    client_id: ga4ClientId(context),
    ...(backdated ? { timestamp_micros: event.createdAt.getTime() * 1000 } : {}),
    events: [{ name: ga4EventName(event.type), params: withinLimits(params) }],
  };
}

/** The validation server's findings in words, or why its answer could not be read. */
function validationMessages(body: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const list = (parsed as { validationMessages?: unknown } | undefined)?.validationMessages;
  if (!Array.isArray(list)) return [`The validation server's answer could not be read: ${body.slice(0, 200)}`];
  return list.map((item: unknown) => {
    const { description, validationCode, fieldPath } = (item ?? {}) as Record<string, unknown>;
    const where = [validationCode, fieldPath].filter((part) => typeof part === 'string' && part).join(' at ');
    return `${typeof description === 'string' ? description : 'Invalid request'}${where ? ` (${where})` : ''}`;
  });
}

/** A valid answer from /debug/mp/collect with findings means the request would be dropped: no retry fixes that. */
function judgeValidation(result: HttpResult, startedAt: Date, judgement: HttpJudgement): AttemptResult {
  const judged = judgeHttpResult(result, startedAt, judgement);
  if (judged.outcome !== 'succeeded' || result.kind !== 'response') return judged;
  const messages = validationMessages(result.body);
  return withoutSecrets(
    { ...judged, outcome: messages.length > 0 ? 'permanent' : 'succeeded', messages },
    judgement.secrets ?? [],
  );
}

export function createSender({ http, publicUrl }: Pick<SenderDependencies, 'http' | 'publicUrl'>): Sender<Ga4Config> {
  async function exchange(
    context: DeliveryContext<Ga4Config>,
    path: '/mp/collect' | '/debug/mp/collect',
    judge: (result: HttpResult, startedAt: Date, judgement: HttpJudgement) => AttemptResult,
  ): Promise<AttemptResult> {
    const config = context.hook.target;
    const startedAt = new Date();
    const payload = rendered(() => ga4Payload(context, config, publicUrl, startedAt.getTime()), startedAt);
    if ('failure' in payload) return payload.failure;
    const query = new URLSearchParams({ measurement_id: config.measurementId, api_secret: config.apiSecret });
    const result = await http.send({
      url: `${analyticsUrl(config.baseUrl, path)}?${query.toString()}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload.value),
      timeoutMs: context.hook.timeoutMs,
    });
    // The api_secret rides in the query, which a proxy's error page or a client error may echo.
    return judge(result, startedAt, { secrets: [config.apiSecret] });
  }

  return {
    // GA answers 2xx even to a payload it drops, so a 2xx is a success; a proxy's 4xx is final, 5xx and 429 pass.
    send: (context) => exchange(context, '/mp/collect', judgeHttpResult),
    check: (context) => exchange(context, '/debug/mp/collect', judgeValidation),
  };
}
