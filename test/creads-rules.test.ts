import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver, type ReceivedRequest } from './support/receiver';

/**
 * What the Creads seed says, on the real stack: which events each resource
 * type has (and only those are accepted or subscribed to), and hooks that
 * retry on any HTTP error, as Creads does ("erreur HTTP ou bien échec de
 * connexion, nous retenterons").
 */
describe('Creads: events per resource type, retries on any HTTP error', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let as: (method: string, path: string, body?: unknown) => ReturnType<Hookflow['request']>;

  /** Per path: 404 for its first request then 200 (`/flaky`), always 404 (`/refusing`), 410 (`/gone`). */
  const answers: Record<string, (seen: number) => number> = {
    '/flaky': (seen) => (seen === 1 ? 404 : 200),
    '/refusing': () => 404,
    '/gone': () => 410,
  };

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver((request: ReceivedRequest) => {
      const base = `/${request.path.split('/')[1]}`;
      const seen = receiver.requests.filter((r) => r.path === request.path).length;
      return answers[base]?.(seen) ?? 200;
    });
    const owner = await hookflow.createOwner('Creads');
    as = (method, path, body) => hookflow.request(method, path, body, { key: owner.apiKey });
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  const hookBody = (path: string, extra: Record<string, unknown>) => ({
    name: path,
    target: { type: 'http', url: `${receiver.url}${path}` },
    ...extra,
  });

  it('lists for each change exactly the resource types the seed gives it', async () => {
    const listed = await as('GET', '/v1/event-types');
    const resourceTypesOf = (name: string) =>
      listed.body.data.find((type: { name: string }) => type.name === name)?.resourceTypes;
    assert.deepEqual(resourceTypesOf('resource.created'), [
      'invitation',
      'membership',
      'project',
      'project-message',
      'work',
      'webhook',
      'comment',
    ]);
    assert.deepEqual(resourceTypesOf('resource.updated'), [
      'invitation',
      'organization',
      'product',
      'membership',
      'project',
      'webhook',
    ]);
    assert.deepEqual(resourceTypesOf('resource.deleted'), ['invitation', 'membership', 'project', 'webhook']);
  });

  it('refuses an event a resource type does not have, naming it', async () => {
    const refusals: [string, string][] = [
      ['resource.created', 'organization'],
      ['resource.created', 'product'],
      ['resource.updated', 'comment'],
      ['resource.deleted', 'work'],
      ['resource.deleted', 'project-message'],
    ];
    for (const [type, resourceType] of refusals) {
      const refused = await as('POST', '/v1/events', { type, resourceType, resourceId: 'x1', data: {} });
      assert.equal(refused.status, 422, `${type} ${resourceType}`);
      assert.match(
        refused.body.error.message,
        new RegExp(
          `^resourceType: "${resourceType}" is not one of the resource types of "${type.replace('.', '\\.')}"`,
        ),
      );
    }
    for (const [type, resourceType] of [
      ['resource.updated', 'organization'],
      ['resource.created', 'project-message'],
      ['resource.deleted', 'webhook'],
    ]) {
      const accepted = await as('POST', '/v1/events', { type, resourceType, resourceId: 'x2', data: {} });
      assert.equal(accepted.status, 202, `${type} ${resourceType}: ${JSON.stringify(accepted.body)}`);
    }
  });

  it('refuses a subscription that could never deliver: an event none of its resource types has, or the reverse', async () => {
    const refused = await as(
      'POST',
      '/v1/hooks',
      hookBody('/orgs', { events: ['resource.created'], resourceTypes: ['organization'] }),
    );
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(
      refused.body.error.message,
      'events.0: not an event of "organization": "resource.created" happens only to invitation, membership, project, project-message, work, webhook, comment',
    );
    const oneTypeWithout = await as(
      'POST',
      '/v1/hooks',
      hookBody('/mixed', { events: ['resource.deleted'], resourceTypes: ['project', 'comment'] }),
    );
    assert.equal(oneTypeWithout.status, 422, JSON.stringify(oneTypeWithout.body));
    assert.equal(
      oneTypeWithout.body.error.message,
      'resourceTypes.1: none of the subscribed events happens to "comment": "resource.deleted" happens only to invitation, membership, project, webhook',
    );

    // Each event fits one of the types and each type one of the events; a pattern is not judged.
    for (const extra of [
      { events: ['resource.created', 'resource.updated'], resourceTypes: ['organization', 'project'] },
      { events: ['resource.*'], resourceTypes: ['organization'] },
      { events: ['resource.updated'], resourceTypes: ['organization'] },
    ]) {
      const created = await as('POST', '/v1/hooks', hookBody('/fits', extra));
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }

    const hook = (await as('POST', '/v1/hooks', hookBody('/patched', { events: ['resource.created'] }))).body;
    const patched = await as('PATCH', `/v1/hooks/${hook.id}`, { resourceTypes: ['product'] });
    assert.equal(patched.status, 422, JSON.stringify(patched.body));
    assert.match(patched.body.error.message, /^events\.0: not an event of "product"/);
    assert.equal((await as('GET', `/v1/hooks/${hook.id}`)).body.resourceTypes, undefined, 'the hook is unchanged');
  });

  /** A hook of an owner of its own (so that it gets no other test's events), and one organization update for it. */
  async function deliveryTo(path: string, extra: Record<string, unknown> = {}) {
    const { apiKey } = await hookflow.createOwner(`Creads ${path}`);
    const asIt = (method: string, route: string, body?: unknown) =>
      hookflow.request(method, route, body, { key: apiKey });
    const hook = await asIt(
      'POST',
      '/v1/hooks',
      hookBody(path, { events: ['resource.updated'], resourceTypes: ['organization'], ...extra }),
    );
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const posted = await asIt('POST', '/v1/events', {
      type: 'resource.updated',
      resourceType: 'organization',
      resourceId: 'org_1',
      data: { name: 'Acme' },
    });
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    return { hook: hook.body, asIt };
  }

  /** The hook's one delivery once it has settled (not retrying), with its attempts. */
  const settled = ({ hook, asIt }: Awaited<ReturnType<typeof deliveryTo>>) =>
    eventually(async () => {
      const [summary] = (await asIt('GET', `/v1/deliveries?hookId=${hook.id}`)).body.data;
      assert.ok(summary && summary.status !== 'retrying' && summary.status !== 'pending', JSON.stringify(summary));
      return (await asIt('GET', `/v1/deliveries/${summary.id}`)).body;
    }, 20_000);

  it('retries a 4xx like a 5xx with retryOn any-error, and fails it at once without', async () => {
    const flaky = await deliveryTo('/flaky/any', { delivery: { retryOn: 'any-error', retrySchedule: ['1s'] } });
    assert.equal(flaky.hook.delivery.retryOn, 'any-error');
    const retried = await settled(flaky);
    assert.equal(retried.status, 'succeeded');
    assert.deepEqual(
      retried.attempts.map((attempt: { statusCode: number }) => attempt.statusCode),
      [404, 200],
    );

    const plain = await deliveryTo('/flaky/default', { delivery: { retrySchedule: ['1s'] } });
    assert.equal(plain.hook.delivery.retryOn, 'transient');
    const failed = await settled(plain);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failureReason, 'Not retried: HTTP 404');
    assert.equal(failed.attempts.length, 1);

    const refusing = await deliveryTo('/refusing/any', { delivery: { retryOn: 'any-error', retrySchedule: ['1s'] } });
    const gaveUp = await settled(refusing);
    assert.equal(gaveUp.failureReason, 'Gave up after 2 attempts; last: HTTP 404');
  });

  it('still disables a gone target at once with retryOn any-error', async () => {
    const gone = await deliveryTo('/gone/any', { delivery: { retryOn: 'any-error', retrySchedule: ['1s'] } });
    const delivery = await settled(gone);
    assert.equal(delivery.status, 'failed');
    assert.equal(delivery.failureReason, 'Not retried: HTTP 410');
    await eventually(async () => {
      const current = (await gone.asIt('GET', `/v1/hooks/${gone.hook.id}`)).body;
      assert.equal(current.status, 'disabled');
    });
  });

  it('lets PATCH set retryOn and null hand it back to the default', async () => {
    const hook = (await as('POST', '/v1/hooks', hookBody('/setting', { events: ['resource.updated'] }))).body;
    const set = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { retryOn: 'any-error' } });
    assert.equal(set.body.delivery.retryOn, 'any-error');
    const reset = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { retryOn: null } });
    assert.equal(reset.body.delivery.retryOn, 'transient');
    const refused = await as('PATCH', `/v1/hooks/${hook.id}`, { delivery: { retryOn: 'always' } });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /^delivery\.retryOn: /);
  });
});
