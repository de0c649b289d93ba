import { FORM_TYPE } from '../../core/payloads';
import { analyticsUrl, subjectDigest } from '../ga4/sender';
import { judgeHttpResult } from '../sending/outcome';
import type { UaConfig } from './config';
import type { AttemptResult, DeliveryContext, DeliveryEvent, Sender, SenderDependencies } from '../contract';

/**
 * Universal Analytics through Measurement Protocol v1: one event hit per
 * delivery, read in GA's Behaviour > Events report by category (what the
 * event is about: `dataset`) and action (the event type: `dataset-published`).
 *
 * Parameters and limits are Google's, from the Measurement Protocol v1
 * parameter reference and its transport section:
 * https://developers.google.com/analytics/devguides/collection/protocol/v1/parameters
 * https://developers.google.com/analytics/devguides/collection/protocol/v1/reference
 * Google stopped processing UA hits on 1 July 2023 (360 properties a year
 * later); /collect still answers, so this target remains for hooks that use it.
 */

/** Max lengths in bytes; with these, a hit stays far below the 8192-byte body limit even fully percent-encoded. */
export const UA_LIMITS = { ec: 150, ea: 500, el: 500, bodyBytes: 8192 };
/** Queue time over 4 h "may lead to hits not being processed": a minute short of it (for the time in flight), or none. */
const MAX_QUEUE_TIME_MS = 4 * 60 * 60 * 1000 - 60_000;

/** Cut at a code point boundary, so that no UTF-8 sequence is split. */
function cutBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let size = 0;
  let cut = '';
  for (const char of text) {
    size += Buffer.byteLength(char);
    if (size > max) break;
    cut += char;
  }
  return cut;
}

/** What the event is about: its resource type, else the first word of its type (`dataset` for `dataset-published`). */
function eventCategory(event: DeliveryEvent): string {
  return event.resourceType || (event.type.split(/[^\p{L}\p{N}]+/u).find(Boolean) ?? event.type);
}

/**
 * A UUID, as UA wants its cid, made from the hook and the event's subject:
 * the same for the same subject, so UA counts subjects rather than deliveries.
 * Marked version 8 (RFC 9562's custom, here name-based on SHA-256) rather than
 * passed off as the random version 4.
 */
function uaClientId(context: DeliveryContext): string {
  const bytes = Buffer.from(subjectDigest(context).subarray(0, 16));
  bytes.writeUInt8((bytes.readUInt8(6) & 0x0f) | 0x80, 6);
  bytes.writeUInt8((bytes.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = bytes.toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

function uaHit(context: DeliveryContext, config: UaConfig, now: number): URLSearchParams {
  const { event } = context;
  const hit = new URLSearchParams({
    v: '1',
    tid: config.trackingId,
    cid: uaClientId(context),
    t: 'event',
    ec: cutBytes(eventCategory(event), UA_LIMITS.ec),
    ea: cutBytes(event.type, UA_LIMITS.ea),
  });
  if (event.resourceId) hit.set('el', cutBytes(event.resourceId, UA_LIMITS.el));
  // The event's own time, for a retried delivery above all, as far back as UA takes it.
  const age = now - event.createdAt.getTime();
  if (age >= 0 && age <= MAX_QUEUE_TIME_MS) hit.set('qt', String(age));
  return hit;
}

/** UA's hit carries nothing of Hookflow's own address: only the HTTP client is needed. */
export function createSender({ http }: Pick<SenderDependencies, 'http'>): Sender<UaConfig> {
  return {
    async send(context: DeliveryContext<UaConfig>): Promise<AttemptResult> {
      const config = context.hook.target;
      const startedAt = new Date();
      const result = await http.send({
        url: analyticsUrl(config.baseUrl, '/collect'),
        method: 'POST',
        headers: { 'content-type': FORM_TYPE },
        body: uaHit(context, config, startedAt.getTime()).toString(),
        timeoutMs: context.hook.timeoutMs,
      });
      // UA answers 200 and a GIF to any hit, valid or not: only transport and server failures show.
      return judgeHttpResult(result, startedAt);
    },
  };
}
