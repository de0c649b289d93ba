import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventually } from './support/eventually';
import { startHookflow, type Hookflow } from './support/hookflow';
import { startReceiver } from './support/receiver';

/**
 * One event through the real stack to a hook of every payload format: the
 * bytes each receiver gets, its headers, and a signature that verifies.
 */
describe('payload formats as received, byte for byte (real stack)', () => {
  let hookflow: Hookflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: { id: string; apiKey: string };

  before(async () => {
    hookflow = await startHookflow();
    receiver = await startReceiver();
    owner = await hookflow.createOwner('Formats');
  });
  after(async () => {
    await receiver?.close();
    await hookflow?.stop();
  });

  it('sends standard, creads, misskey, ibm and chat bodies exactly, each signed', async () => {
    const hooks: Record<string, { id: string; secret: string }> = {};
    for (const format of ['standard', 'creads', 'misskey', 'ibm', 'chat']) {
      const created = await hookflow.request(
        'POST',
        '/v1/hooks',
        {
          name: format,
          events: ['resource.updated'],
          format,
          target: { type: 'http', url: `${receiver.url}/${format}` },
        },
        { key: owner.apiKey },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      hooks[format] = { id: created.body.id, secret: created.body.secret };
    }
    const posted = await hookflow.request(
      'POST',
      '/v1/events',
      { type: 'resource.updated', resourceType: 'project', resourceId: 'prj_9', data: { title: 'Logo', budget: 1200 } },
      { key: owner.apiKey },
    );
    assert.equal(posted.status, 202, JSON.stringify(posted.body));
    const event = posted.body as { id: string; createdAt: string };
    const createdMs = new Date(event.createdAt).getTime();
    const publicUrl = hookflow.config.publicUrl;
    const requests = await receiver.waitForRequests(5);
    const received = (format: string) => {
      const request = requests.find((r) => r.path === `/${format}`);
      assert.ok(request, `the ${format} hook received the event`);
      assert.equal(request.headers['content-type'], 'application/json');
      const hook = hooks[format] as { id: string; secret: string };
      // Throws unless the signature over id, timestamp and these exact bytes verifies.
      new Webhook(hook.secret).verify(request.body, request.headers as Record<string, string>);
      return request;
    };

    assert.equal(
      received('standard').body,
      `{"type":"resource.updated","timestamp":"${event.createdAt}","data":{"title":"Logo","budget":1200}}`,
    );
    assert.equal(
      received('creads').body,
      '{"event":"resource.updated","resource_type":"project","resource_gid":"prj_9","resource":{"title":"Logo","budget":1200}}',
    );
    const misskey = received('misskey');
    const misskeyHook = hooks.misskey as { id: string; secret: string };
    assert.equal(
      misskey.body,
      `{"server":"${publicUrl}","hookId":"${misskeyHook.id}","userId":"${owner.id}","eventId":"${event.id}","createdAt":${createdMs},"type":"resource.updated","body":{"title":"Logo","budget":1200}}`,
    );
    assert.equal(misskey.headers['x-misskey-hook-id'], misskeyHook.id);
    assert.equal(misskey.headers['x-misskey-hook-secret'], misskeyHook.secret);
    assert.equal(
      received('ibm').body,
      `{"type":"resource.updated","entity":{"title":"Logo","budget":1200},"applicationId":"${owner.id}","eventTimeStamp":${createdMs}}`,
    );
    assert.equal(
      received('chat').body,
      `{"text":"resource.updated: project prj_9","href":"${publicUrl}/v1/events/${event.id}","event":"resource.updated"}`,
    );
    await eventually(async () => {
      const read = await hookflow.request('GET', `/v1/events/${event.id}`);
      assert.equal(read.body.deliveries.length, 5);
      assert.ok(read.body.deliveries.every((d: { status: string }) => d.status === 'succeeded'));
    });
  });

  it("carries a batch's shared messageId in the ibm and standard bodies, and no messageId key without one", async () => {
    for (const format of ['ibm', 'standard']) {
      const created = await hookflow.request(
        'POST',
        '/v1/hooks',
        {
          name: `push ${format}`,
          events: ['onNotificationSend', 'onNotificationFailure'],
          format,
          target: { type: 'http', url: `${receiver.url}/push-${format}` },
        },
        { key: owner.apiKey },
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const before = receiver.requests.length;
    // The seed: a dispatch goes out in batches, and its webhook events, successes and failures, share its messageID.
    const batch = await hookflow.request(
      'POST',
      '/v1/events/batch',
      {
        messageId: '55cb688',
        events: [
          { id: 'push-sent', type: 'onNotificationSend', data: { deviceIds: ['device1'], platform: 'A' } },
          { id: 'push-failed', type: 'onNotificationFailure', data: { deviceIds: ['device2'], platform: 'G' } },
        ],
      },
      { key: owner.apiKey },
    );
    assert.equal(batch.status, 202, JSON.stringify(batch.body));
    const alone = await hookflow.request(
      'POST',
      '/v1/events',
      { id: 'push-alone', type: 'onNotificationSend', data: { deviceIds: ['device3'], platform: 'A' } },
      { key: owner.apiKey },
    );
    assert.equal(alone.status, 202, JSON.stringify(alone.body));
    const createdAt = Object.fromEntries(
      [...batch.body.events, alone.body].map((e: { id: string; createdAt: string }) => [e.id, e.createdAt]),
    );
    const ms = (id: string) => new Date(createdAt[id] as string).getTime();

    await receiver.waitForRequests(before + 6);
    const bodies = (path: string) =>
      receiver.requests
        .filter((r) => r.path === path)
        .map((r) => r.body)
        .sort();
    assert.deepEqual(
      bodies('/push-ibm'),
      [
        `{"type":"onNotificationFailure","entity":{"deviceIds":["device2"],"platform":"G"},"applicationId":"${owner.id}","eventTimeStamp":${ms('push-failed')},"messageId":"55cb688"}`,
        `{"type":"onNotificationSend","entity":{"deviceIds":["device1"],"platform":"A"},"applicationId":"${owner.id}","eventTimeStamp":${ms('push-sent')},"messageId":"55cb688"}`,
        `{"type":"onNotificationSend","entity":{"deviceIds":["device3"],"platform":"A"},"applicationId":"${owner.id}","eventTimeStamp":${ms('push-alone')}}`,
      ].sort(),
    );
    assert.deepEqual(
      bodies('/push-standard'),
      [
        `{"type":"onNotificationFailure","timestamp":"${createdAt['push-failed']}","data":{"deviceIds":["device2"],"platform":"G"},"messageId":"55cb688"}`,
        `{"type":"onNotificationSend","timestamp":"${createdAt['push-sent']}","data":{"deviceIds":["device1"],"platform":"A"},"messageId":"55cb688"}`,
        `{"type":"onNotificationSend","timestamp":"${createdAt['push-alone']}","data":{"deviceIds":["device3"],"platform":"A"}}`,
      ].sort(),
    );
  });
});
