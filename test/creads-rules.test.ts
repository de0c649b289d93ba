import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/**
 * What the Creads seed says, on the real stack: which events each resource
 * type has, and only those are accepted or subscribed to.
 */
describe('Creads: events per resource type', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let as: (method: string, path: string, body?: unknown) => ReturnType<Hookflow['request']>;

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
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
});
