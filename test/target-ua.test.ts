import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import type { DeliveryContext, DeliveryEvent } from '../targets/contract';
import type { UaConfig } from '../targets/ua/config';
import { createSender as createUaSender } from '../targets/ua/sender';
import { idOf } from '../core/ids';
import { deliveryContext } from './support/delivery-context';
import { useFake, type FakeProvider } from './support/fakes/provider';
import { startFakeUa, uaTargetFor } from './support/fakes/ua';

const MINUTE = 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Universal Analytics target (Measurement Protocol v1)', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const ua = createUaSender({ http });
  let fake: FakeProvider;

  useFake(async () => (fake = await startFakeUa()), http);

  /** Dataset ds_42 published just now, to the fake. */
  function context(event: Partial<DeliveryEvent> = {}, hookId?: string): DeliveryContext<UaConfig> {
    return deliveryContext(uaTargetFor(fake), {
      hookId,
      event: { resourceId: 'ds_42', createdAt: new Date(), ...event },
    });
  }

  /** The hit UA received last, as its parameters. */
  const lastHit = () => Object.fromEntries(new URLSearchParams(fake.accepted.at(-1)?.body ?? ''));

  it('posts an event hit to /collect: category, action and label as GA reports them', async () => {
    const result = await ua.send(context());

    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.attempt.statusCode, 200);
    const [request] = fake.accepted;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/collect');
    assert.equal(request?.headers['content-type'], 'application/x-www-form-urlencoded');
    const hit = lastHit();
    assert.match(hit.cid ?? '', UUID);
    assert.ok(Number(hit.qt) < 1_000, 'sent at once: the queue time is the few ms it took');
    assert.deepEqual(hit, {
      v: '1',
      tid: 'UA-12345678-1',
      cid: hit.cid,
      t: 'event',
      ec: 'dataset',
      ea: 'dataset-published',
      el: 'ds_42',
      qt: hit.qt,
    });
  });

  it('takes the category from the first word of the type when the event has no resource', async () => {
    await ua.send(context({ type: 'visualization-created', resourceType: undefined, resourceId: undefined }));
    const hit = lastHit();
    assert.equal(hit.ec, 'visualization');
    assert.equal(hit.ea, 'visualization-created');
    assert.equal(hit.el, undefined);

    await ua.send(context({ type: 'resource.created', resourceType: undefined }));
    assert.equal(lastHit().ec, 'resource');
  });

  it("keeps values within UA's byte limits without splitting a character", async () => {
    await ua.send(context({ resourceType: 'é'.repeat(100), type: `t${'€'.repeat(200)}`, resourceId: 'x'.repeat(600) }));
    const hit = lastHit();
    assert.equal(hit.ec, 'é'.repeat(75), '150 bytes of 2-byte characters');
    assert.equal(hit.ea, `t${'€'.repeat(166)}`, '499 bytes: a 501st byte would split a 3-byte character');
    assert.equal(hit.el, 'x'.repeat(500));
  });

  it('tells UA how late a retried hit is, within the 4 hours UA takes', async () => {
    await ua.send(context({ createdAt: new Date(Date.now() - 10 * MINUTE) }));
    const queued = Number(lastHit().qt);
    assert.ok(queued >= 10 * MINUTE && queued < 11 * MINUTE, String(queued));

    await ua.send(context({ createdAt: new Date(Date.now() - 5 * 60 * MINUTE) }));
    assert.equal(lastHit().qt, undefined);
  });

  it('gives one cid per hook and subject, the same from one event to the next', async () => {
    const cid = async (event: Partial<DeliveryEvent>, hookId?: string) => {
      await ua.send(context(event, hookId));
      return lastHit().cid;
    };
    const dataset = await cid({ id: idOf('event', 'evt_1'), type: 'dataset-created' });
    assert.equal(await cid({ id: idOf('event', 'evt_2'), type: 'dataset-downloaded' }), dataset, 'same resource');
    assert.notEqual(await cid({ resourceId: 'ds_43' }), dataset, 'another resource');
    assert.notEqual(await cid({}, 'hook_2'), dataset, 'another hook');
    const owner = await cid({ resourceType: undefined, resourceId: undefined });
    assert.equal(await cid({ id: idOf('event', 'evt_3'), resourceType: undefined, resourceId: undefined }), owner);
  });

  it('is retried when UA is unavailable', async () => {
    fake.script('retryable');
    const result = await ua.send(context());
    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.statusCode, 503);
  });

  it('fails for good on a refusal', async () => {
    fake.script('permanent');
    const result = await ua.send(context());
    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 400);
  });
});

describe('fake UA', () => {
  it('refuses what Google documents as invalid', async () => {
    const fake = await startFakeUa();
    const http = createHttpClient({ allowPrivateTargets: true });
    const post = (hit: Record<string, string>, contentType = 'application/x-www-form-urlencoded') =>
      http.send({
        url: `${fake.url}/collect`,
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new URLSearchParams(hit).toString(),
        timeoutMs: 5_000,
      });
    try {
      await post({ v: '2', tid: 'G-ABC', cid: '42', t: 'pageview', ec: '', dp: '/' }, 'application/json');
      await post({ v: '1', tid: 'UA-12345678-1', cid: randomUUID(), t: 'event', ec: 'x'.repeat(151), ea: 'a' });

      assert.equal(fake.accepted.length, 0);
      assert.deepEqual(
        fake.violations.map((violation) => violation.problems),
        [
          [
            'content-type must be application/x-www-form-urlencoded, got application/json',
            'unknown parameters dp',
            'v must be 1, got 2',
            'tid is not a UA tracking id: G-ABC',
            'cid must be a UUID, got 42',
            't must be event, got pageview',
            'ec is required for an event hit',
            'ea is required for an event hit',
          ],
          ['ec is 151 bytes, more than 150'],
        ],
      );
    } finally {
      await fake.close();
      await http.close();
    }
  });
});
