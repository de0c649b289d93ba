import { createHash, randomBytes } from 'node:crypto';

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
} as const;

export type IdKind = keyof typeof ID_PREFIX;

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
export function newId(kind: IdKind, now: number = Date.now()): string {
  const time = Buffer.alloc(6);
  time.writeUIntBE(now, 0, 6);
  return `${ID_PREFIX[kind]}_${base32(Buffer.concat([time, randomBytes(10)]))}`;
}

/**
 * An event's record id: the producer's id within its owner. Producers choose
 * event ids (and Idempotency-Keys) per owner, so two owners may both send
 * `order-1`; the owner in front keeps the two apart, and a retried post finds
 * its own record by id. Producer ids cannot contain `/`, so the key names one
 * (owner, id) pair whatever the owner id holds.
 */
export function eventKey(ownerId: string, eventId: string): string {
  return `${ownerId}/${eventId}`;
}

/**
 * One delivery per (event, hook): the same pair always gets the same id, so a
 * retried activity or a repeated event can never create a second record.
 * The event id is the producer's: a hook has one owner, and only that owner's
 * events reach it, so the pair names one delivery although two owners may
 * share event ids.
 */
export function deliveryId(eventId: string, hookId: string): string {
  const digest = createHash('sha256').update(`${eventId}\n${hookId}`).digest();
  return `${ID_PREFIX.delivery}_${base32(digest.subarray(0, 16))}`;
}

/** A replay's delivery of an event to a hook: one per (replay, event, hook), so a retried replay page adds none. */
export function replayDeliveryId(replayId: string, eventId: string, hookId: string): string {
  return deliveryId(`${replayId}\n${eventId}`, hookId);
}

/** The same request under the same Idempotency-Key is the same replay. */
export function replayIdFor(ownerId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${ownerId}\n${idempotencyKey}`).digest();
  return `${ID_PREFIX.replay}_${base32(digest.subarray(0, 16))}`;
}
