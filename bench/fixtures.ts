import { deliveryId, idOf, newId, type EventId, type HookId, type OwnerId } from '../core/ids';
import { replaceByCopies } from '../test/support/hook-copies';
import type { BenchApp } from './app';

export interface BenchOwner {
  id: OwnerId;
  apiKey: string;
}

/** The event a scenario sends: a small object, as most producers post. */
export const BENCH_EVENT_DATA = { order: { id: 'ord_1', total: 4200, currency: 'EUR', items: 3 } };

function expectStatus(what: string, status: number, body: unknown, expected: number): void {
  if (status !== expected) throw new Error(`${what}: the API answered ${status} ${JSON.stringify(body)}`);
}

/** An owner, its API key, and the event type the scenario posts. */
export async function createOwner(app: BenchApp, name: string, eventType: string): Promise<BenchOwner> {
  const owner = await app.call<{ id: string; apiKey: string }>('POST', '/v1/owners', {
    name,
    email: `${name}@bench.test`,
  });
  expectStatus('creating an owner', owner.status, owner.body, 201);
  const type = await app.call('POST', '/v1/event-types', { name: eventType });
  if (type.status !== 201 && type.status !== 409)
    expectStatus('registering an event type', type.status, type.body, 201);
  return { id: idOf('owner', owner.body.id), apiKey: owner.body.apiKey };
}

/**
 * `count` HTTP hooks of the owner on `eventType`: one made through the API,
 * the rest copies of it (see replaceByCopies). `delivery` sets the hooks' own
 * delivery settings.
 */
export async function createHttpHooks(
  app: BenchApp,
  owner: BenchOwner,
  options: {
    count: number;
    eventType: string;
    urlFor: (hookId: string, index: number) => string;
    delivery?: Record<string, unknown>;
  },
): Promise<HookId[]> {
  const created = await app.call<{ id: string }>(
    'POST',
    '/v1/hooks',
    {
      name: 'bench',
      events: [options.eventType],
      target: { type: 'http', url: options.urlFor('template', 0) },
      ...(options.delivery ? { delivery: options.delivery } : {}),
    },
    owner.apiKey,
  );
  expectStatus('creating a hook', created.status, created.body, 201);
  return replaceByCopies(app.models, idOf('hook', created.body.id), options.count, options.urlFor);
}

/** Posts one event under an id of our own, so that its deliveries' webhook-ids are known beforehand. */
export async function postEvent(app: BenchApp, owner: BenchOwner, type: string, eventId = newId('event')) {
  const posted = await app.call('POST', '/v1/events', { id: eventId, type, data: BENCH_EVENT_DATA }, owner.apiKey);
  expectStatus('posting an event', posted.status, posted.body, 202);
  return eventId;
}

/** The webhook-id each hook receives for the event. */
export function webhookIds(eventId: EventId, hookIds: readonly HookId[]): string[] {
  return hookIds.map((hookId) => deliveryId(eventId, hookId));
}
