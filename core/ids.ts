import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';

/**
 * Ids carry a readable prefix (`evt_`, `hook_`, ...) so that a log line or a
 * support ticket says what kind of thing it points at.
 */
export const ID_PREFIX = {
  owner: 'own',
  apiKey: 'key',
  hook: 'hook',
  event: 'evt',
  dispatch: 'dsp',
  delivery: 'dlv',
  replay: 'rpl',
  replaySchedule: 'rps',
  portalSession: 'ps',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

/**
 * A string that names one kind of thing. Ids of different kinds do not mix:
 * a hook's id where an event's is due does not compile. Ids get their kind
 * where they come in: minted (newId, deliveryId, ...), read from a record
 * (the models' types), parsed from a request (a zod schema's
 * `.brand<'hook'>()`, the same brand) or taken from a path (idOf).
 */
export type IdOf<Kind extends IdKind> = string & z.$brand<Kind>;

export type OwnerId = IdOf<'owner'>;
export type ApiKeyId = IdOf<'apiKey'>;
export type HookId = IdOf<'hook'>;
/** The producer's id of an event (or the one minted for it): unique within its owner only. */
export type EventId = IdOf<'event'>;
/** An event's record id, eventKey(ownerId, eventId): unique across owners. */
export type EventKey = string & z.$brand<'eventKey'>;
export type DispatchId = IdOf<'dispatch'>;
export type DeliveryId = IdOf<'delivery'>;
export type ReplayId = IdOf<'replay'>;
export type ReplayScheduleId = IdOf<'replaySchedule'>;
export type PortalSessionId = IdOf<'portalSession'>;

/**
 * Takes a string from outside (a request's path, a test's literal) as an id
 * of `kind`. Nothing is checked: an id that names nothing is found by no
 * query, as before; the kind only keeps it from being used as another's.
 */
export function idOf<Kind extends IdKind>(_kind: Kind, value: string): IdOf<Kind> {
  return value as IdOf<Kind>;
}

// Crockford's base32: no I, L, O, U, so ids survive being read aloud or retyped.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** A random id; the leading timestamp keeps ids of one kind roughly sortable by creation. */
export function newId<Kind extends IdKind>(kind: Kind, now: number = Date.now()): IdOf<Kind> {
  const time = Buffer.alloc(6);
  time.writeUIntBE(now, 0, 6);
  return idOf(kind, `${ID_PREFIX[kind]}_${base32(Buffer.concat([time, randomBytes(10)]))}`);
}

/** An id of `kind` that `text` alone determines. */
function digestId<Kind extends IdKind>(kind: Kind, text: string): IdOf<Kind> {
  const digest = createHash('sha256').update(text).digest();
  return idOf(kind, `${ID_PREFIX[kind]}_${base32(digest.subarray(0, 16))}`);
}

/**
 * An event's record id: the producer's id within its owner. Producers choose
 * event ids (and Idempotency-Keys) per owner, so two owners may both send
 * `order-1`; the owner in front keeps the two apart, and a retried post finds
 * its own record by id. Producer ids cannot contain `/`, so the key names one
 * (owner, id) pair whatever the owner id holds.
 */
export function eventKey(ownerId: OwnerId, eventId: EventId): EventKey {
  return `${ownerId}/${eventId}` as EventKey;
}

/**
 * One delivery per (event, hook): the same pair always gets the same id, so a
 * retried activity or a repeated event can never create a second record.
 * The event id is the producer's: a hook has one owner, and only that owner's
 * events reach it, so the pair names one delivery although two owners may
 * share event ids.
 */
export function deliveryId(eventId: EventId, hookId: HookId): DeliveryId {
  return digestId('delivery', `${eventId}\n${hookId}`);
}

/** A replay's delivery of an event to a hook: one per (replay, event, hook), so a retried replay page adds none. */
export function replayDeliveryId(replayId: ReplayId, eventId: EventId, hookId: HookId): DeliveryId {
  return digestId('delivery', `${replayId}\n${eventId}\n${hookId}`);
}

/** The same request under the same Idempotency-Key is the same replay. */
export function replayIdFor(ownerId: OwnerId, idempotencyKey: string): ReplayId {
  return digestId('replay', `${ownerId}\n${idempotencyKey}`);
}
