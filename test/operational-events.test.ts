import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { compileEventSchema } from '../core/event-schema';
import { EVENT_CATALOGUE } from '../core/event-catalogue';
import { subscriptionKeysFor } from '../core/event-patterns';
import { idOf, newId, type HookId, type OwnerId } from '../core/ids';
import { OPERATIONAL_EVENT_TYPES } from '../core/operational-events';
import { subscribedHooksFilter } from '../records/subscriptions';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

const { disabled, enabled, failing, exhausted } = OPERATIONAL_EVENT_TYPES;

/** What a receiver of operational events got, its signature checked with the hook's secret. */
interface Received {
  type: string;
  data: Record<string, any>;
  webhookId: string;
}

describe('operational events on the real stack', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let failingStatus = 500;
  const operatorId = newId('owner');

  before(async () => {
    hookflow = await startHookflow({ operatorOwnerId: operatorId });
    // The operator owner exists before it is named (HOOKFLOW_OPERATOR_OWNER names an owner made beforehand).
    await hookflow.models.Owner.create({ _id: operatorId, name: 'Operator', email: 'ops@producer.test' });
    receiver = await startReceiver((request) => (request.path === '/failing' ? failingStatus : 200));
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  function receivedAt(path: string, secret: string): Received[] {
    return receiver.requests
      .filter((request: ReceivedRequest) => request.path === path)
      .map((request) => {
        // Throws unless the Standard Webhooks signature is the hook's.
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
        const body = JSON.parse(request.body) as { type: string; data: Record<string, any> };
        return { type: body.type, data: body.data, webhookId: String(request.headers['webhook-id']) };
      });
  }

  const ofType = (received: Received[], type: string) => received.filter((event) => event.type === type);

  it('tells the owner and the operator of a hook failing, giving up, disabled and enabled, signed, once each', async () => {
    const owner = await hookflow.createOwner('Acme');
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: owner.apiKey });

    const feed = await as('POST', '/v1/hooks', {
      name: 'ops feed',
      events: ['hookflow.*'],
      target: { type: 'http', url: `${receiver.url}/owner` },
    });
    assert.equal(feed.status, 201, JSON.stringify(feed.body));
    const operatorFeed = await hookflow.request('POST', '/v1/hooks', {
      ownerId: operatorId,
      name: 'all owners',
      events: ['hookflow.hook.*', exhausted],
      target: { type: 'http', url: `${receiver.url}/operator` },
    });
    assert.equal(operatorFeed.status, 201, JSON.stringify(operatorFeed.body));
    // It listens to operational events too: none about itself may reach it.
    const flaky = await as('POST', '/v1/hooks', {
      name: 'crm sync',
      events: ['resource.*', 'hookflow.*'],
      target: { type: 'http', url: `${receiver.url}/failing` },
      delivery: { retrySchedule: ['1s'], disableAfter: { failures: 4, window: '0s' } },
    });
    assert.equal(flaky.status, 201, JSON.stringify(flaky.body));
    const flakyId = flaky.body.id as string;
    const ownerFeed = () => receivedAt('/owner', feed.body.secret as string);
    const operatorSeen = () => receivedAt('/operator', operatorFeed.body.secret as string);
    const post = (id: string) =>
      as('POST', '/v1/events', { id, type: 'resource.updated', resourceType: 'project', resourceId: id, data: { id } });

    // Two failures (an attempt and its one retry): the delivery gives up, and the streak reaches half of 4.
    assert.equal((await post('first')).status, 202);
    await eventually(() => {
      assert.equal(ofType(ownerFeed(), exhausted).length, 1);
      assert.equal(ofType(ownerFeed(), failing).length, 1);
    }, 30_000);
    // Two more: the streak reaches 4 over 0 s, and the hook is disabled.
    assert.equal((await post('second')).status, 202);
    await eventually(() => assert.equal(ofType(ownerFeed(), disabled).length, 1), 30_000);
    failingStatus = 200;
    const enabling = await as('POST', `/v1/hooks/${flakyId}/enable`);
    assert.equal(enabling.status, 200, JSON.stringify(enabling.body));
    // Sent again, as after a 503 whose switch had happened: the hook is on once, and announced once.
    const again = await as('POST', `/v1/hooks/${flakyId}/enable`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.status, 'enabled');
    await eventually(() => {
      assert.equal(ofType(ownerFeed(), enabled).length, 1);
      assert.equal(ofType(operatorSeen(), enabled).length, 1);
    }, 30_000);
    await sleep(2_000); // anything sent twice would have come by now

    const deliveries = await as('GET', `/v1/deliveries?hookId=${flakyId}`);
    const gaveUp = new Map<string, string>(
      deliveries.body.data.map((delivery: { id: string; eventId: string }) => [delivery.eventId, delivery.id]),
    );
    for (const [who, received] of [
      ['owner', ownerFeed()],
      ['operator', operatorSeen()],
    ] as const) {
      const counts = Object.fromEntries(
        [failing, exhausted, disabled, enabled].map((t) => [t, ofType(received, t).length]),
      );
      assert.deepEqual(counts, { [failing]: 1, [exhausted]: 2, [disabled]: 1, [enabled]: 1 }, `${who}: once each`);
      assert.equal(new Set(received.map((event) => event.webhookId)).size, received.length, `${who}: no resend`);
      for (const event of received) {
        const validate = compileEventSchema(EVENT_CATALOGUE.find((entry) => entry.name === event.type)?.schema ?? {});
        assert.ok(validate(event.data), `${who}: ${event.type} matches its schema: ${JSON.stringify(validate.errors)}`);
        assert.equal(event.data.hook.id, flakyId, `${who}: about the failing hook`);
        assert.equal(event.data.hook.name, 'crm sync');
        assert.equal(event.data.hook.ownerId, owner.id);
        assert.equal(event.data.hook.targetType, 'http');
        assert.equal(event.data.hook.targetHost, new URL(receiver.url).host);
      }
      const [failingEvent] = ofType(received, failing);
      assert.deepEqual(failingEvent?.data.streak.failures, 2);
      assert.deepEqual(failingEvent?.data.threshold, { failures: 4, window: '0s' });
      assert.equal(failingEvent?.data.lastErrors[0]?.error, 'HTTP 500');
      const exhaustedEvents = ofType(received, exhausted);
      assert.deepEqual(
        exhaustedEvents.map((event) => [event.data.eventId, event.data.deliveryId]).sort(),
        [...gaveUp].sort(),
        `${who}: one give-up per delivery, naming it`,
      );
      for (const event of exhaustedEvents) {
        assert.equal(event.data.eventType, 'resource.updated');
        assert.equal(event.data.attempts, 2);
        assert.deepEqual(
          event.data.lastErrors.map((error: { error: string }) => error.error),
          ['HTTP 500', 'HTTP 500'],
        );
      }
      const [disabledEvent] = ofType(received, disabled);
      assert.match(disabledEvent?.data.reason, /4 failed attempts in a row since .* \(limit 4 over 0s\)/);
      assert.equal(disabledEvent?.data.streak.failures, 4);
      const [enabledEvent] = ofType(received, enabled);
      assert.equal(enabledEvent?.data.resume, true);
    }
    const flakyGot = receiver.requests.filter((request) => request.path === '/failing');
    assert.ok(flakyGot.length >= 4);
    assert.ok(
      flakyGot.every((request) => (JSON.parse(request.body) as { type: string }).type === 'resource.updated'),
      'the failing hook hears nothing about itself',
    );
  });

  it("is stored only for owners with a hook listening to it; '*' does not listen; an owner's disable is announced", async () => {
    const quiet = await hookflow.createOwner('Quiet');
    const as = (method: string, path: string, body?: unknown) =>
      hookflow.request(method, path, body, { key: quiet.apiKey });
    const everything = await as('POST', '/v1/hooks', {
      name: 'everything',
      events: ['*'],
      target: { type: 'http', url: `${receiver.url}/quiet` },
    });
    assert.equal(everything.status, 201);
    const other = await as('POST', '/v1/hooks', {
      name: 'to switch off',
      events: ['resource.*'],
      target: { type: 'http', url: `${receiver.url}/other` },
    });
    assert.equal(other.status, 201);
    const switchedOff = await as('POST', `/v1/hooks/${other.body.id}/disable`, { reason: 'maintenance' });
    assert.equal(switchedOff.status, 200);
    // The operator listens: it hears of it, as an event of its own.
    const operatorHeard = await eventually(async () => {
      const listed = await hookflow.request('GET', `/v1/events?ownerId=${operatorId}&type=${disabled}`);
      const about = listed.body.data.filter((event: { data: any }) => event.data.hook.id === other.body.id);
      assert.equal(about.length, 1);
      return about[0];
    }, 20_000);
    assert.equal(operatorHeard.data.reason, 'maintenance');
    assert.equal(operatorHeard.resourceType, 'hook');
    assert.equal(operatorHeard.resourceId, other.body.id);
    await sleep(1_000);
    const stored = await as('GET', `/v1/events?type=${disabled}`);
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.data, [], 'nothing stored for an owner none of whose hooks takes it');
    assert.equal(receiver.requests.filter((request) => request.path === '/quiet').length, 0);
  });

  it('are in the served OpenAPI document as webhooks', async () => {
    const served = await hookflow.request('GET', '/openapi.json', undefined, { key: null });
    assert.equal(served.status, 200);
    assert.deepEqual(Object.keys(served.body.webhooks).sort(), Object.values(OPERATIONAL_EVENT_TYPES).sort());
  });

  it('refuses the hookflow. prefix to producers', async () => {
    const owner = await hookflow.createOwner('Producer');
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'hookflow.hook.disabled', data: {} },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 422, JSON.stringify(posted.body));
    assert.match(posted.body.error.message, /type: the "hookflow\." prefix is reserved/);
    const made = await hookflow.request('POST', '/v1/event-types', { name: 'hookflow.custom', description: 'x' });
    assert.equal(made.status, 422, JSON.stringify(made.body));
    assert.match(made.body.error.message, /name: the "hookflow\." prefix is reserved/);
  });
});

describe('operational events: the rules without the stack', () => {
  it('are catalogued, each with a schema that compiles', () => {
    for (const type of Object.values(OPERATIONAL_EVENT_TYPES)) {
      const entry = EVENT_CATALOGUE.find((candidate) => candidate.name === type);
      assert.ok(entry?.schema, type);
      compileEventSchema(entry.schema);
      assert.deepEqual(entry.resourceTypes, ['hook']);
    }
  });

  it('are not under "*", only under their own prefixes', () => {
    assert.deepEqual(subscriptionKeysFor(failing), ['hookflow.*', 'hookflow.hook.*', failing]);
    assert.ok(subscriptionKeysFor('resource.created').includes('*'));
  });

  it('leave out of their subscribers the hook they are about, and only for them', () => {
    const ownerId = idOf('owner', 'own_x') satisfies OwnerId;
    const about = idOf('hook', 'hook_about') satisfies HookId;
    const filter = subscribedHooksFilter(
      { ownerId, type: disabled, resourceType: 'hook', resourceId: about },
      idOf('hook', 'hook_a'),
    );
    assert.deepEqual(filter._id, { $gt: 'hook_a', $ne: about });
    const producers = subscribedHooksFilter({
      ownerId,
      type: 'resource.created',
      resourceType: 'hook',
      resourceId: about,
    });
    assert.equal('_id' in producers, false, "a producer's event about a resource named like a hook leaves no one out");
  });
});
