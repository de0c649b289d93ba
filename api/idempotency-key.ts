import type { Request } from 'express';
import { ValidationError } from '../core/errors';
import { eventIdInput } from '../services/events';

/** The header as the OpenAPI document describes it, on the routes that take it. */
export const IDEMPOTENCY_KEY = {
  schema: eventIdInput,
  description: 'Makes a retried request harmless: the same key answers 200 with what the first request made',
};

/** The `Idempotency-Key` header, checked like an event id: a retried request with it does nothing twice. */
export function idempotencyKey(req: Request): string | undefined {
  const header = req.get('idempotency-key');
  if (header === undefined) return undefined;
  const parsed = eventIdInput.safeParse(header);
  if (!parsed.success) throw new ValidationError(`Idempotency-Key: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
