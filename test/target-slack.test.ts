import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import { createSender as createSlackSender } from '../targets/slack/sender';
import type { AttemptResult } from '../targets/contract';
import { deliveryContext } from './support/delivery-context';
import { startFakeProvider, useFake } from './support/fakes/provider';
import { slackTargetFor, startFakeSlack } from './support/fakes/slack';

const PUBLIC_URL = 'https://hooks.example.test';
const SECRET_PATH = '/services/T000/B000/XXXX';

function assertNoSecret(result: AttemptResult) {
  assert.ok(!JSON.stringify(result).includes(SECRET_PATH), 'the webhook path is a secret');
}

describe('Slack incoming webhook target', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const slack = createSlackSender({ http, publicUrl: PUBLIC_URL });
  let fake: Awaited<ReturnType<typeof startFakeSlack>>;

  useFake(async () => (fake = await startFakeSlack({ retryAfterSeconds: 30 })), http);

  const sent = () => fake.accepted.map((request) => JSON.parse(request.body));

  it('posts a default text naming the event and linking to it, and succeeds on ok', async () => {
    const result = await slack.send(deliveryContext(slackTargetFor(fake)));
    assert.deepEqual(sent(), [{ text: 'dataset-published: dataset ds-1\nhttps://hooks.example.test/v1/events/evt_1' }]);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.attempt.statusCode, 200);
    assert.equal(result.attempt.responseBody, 'ok');
    assertNoSecret(result);
  });

  it("links to the event's own href, and escapes Slack's control characters so data cannot mention <!channel>", async () => {
    await slack.send(
      deliveryContext(slackTargetFor(fake), {
        event: { resourceId: '<!channel>', data: { href: 'https://app.example.test/datasets/1?tab=a&b=c' } },
      }),
    );
    assert.deepEqual(sent(), [
      { text: 'dataset-published: dataset &lt;!channel&gt;\nhttps://app.example.test/datasets/1?tab=a&amp;b=c' },
    ]);
  });

  it('renders Liquid text and blocks', async () => {
    const target = {
      ...slackTargetFor(fake),
      text: '{{ event.type }}: {{ event.data.name }}',
      blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"*{{ event.data.name }}* ({{ delivery.id }})"}}]',
    };
    const result = await slack.send(deliveryContext(target, { event: { data: { name: 'Sales 2026' } } }));
    assert.equal(result.outcome, 'succeeded');
    assert.deepEqual(sent(), [
      {
        text: 'dataset-published: Sales 2026',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Sales 2026* (dlv_1)' } }],
      },
    ]);
  });

  it('cuts the text at 4,000 characters, ending with an ellipsis', async () => {
    await slack.send(
      deliveryContext(
        { ...slackTargetFor(fake), text: '{{ event.data.long }}' },
        { event: { data: { long: 'x'.repeat(5_000) } } },
      ),
    );
    const [body] = sent();
    assert.equal(body.text.length, 4_000);
    assert.equal(body.text, `${'x'.repeat(3_999)}…`);
  });

  for (const [why, target, error] of [
    ['blocks that are an object', { blocks: '{"type":"divider"}' }, /JSON array of Block Kit blocks/],
    ['blocks without a type', { blocks: '[{"text":"hi"}]' }, /JSON array of Block Kit blocks/],
    ['blocks that are not JSON', { blocks: '[{{ event.type }}]' }, /rendered invalid JSON: \[dataset-published\]/],
    ['more than 50 blocks', { blocks: `[${Array(51).fill('{"type":"divider"}').join(',')}]` }, /at most 50 blocks/],
    ['a template that fails', { text: '{{ event.type | nosuchfilter }}' }, /failed to render/],
    ['a blank text', { text: '{{ event.data.missing }}  ' }, /blank message/],
  ] as const) {
    it(`fails for good, sending nothing, on ${why}`, async () => {
      const result = await slack.send(deliveryContext({ ...slackTargetFor(fake), ...target }));
      assert.equal(result.outcome, 'permanent');
      assert.equal(result.attempt.errorKind, 'render');
      assert.match(result.attempt.errorMessage ?? '', error);
      assert.equal(fake.accepted.length, 0);
    });
  }

  it("retries a 429 after Slack's Retry-After", async () => {
    fake.script('retryable');
    const result = await slack.send(deliveryContext(slackTargetFor(fake)));
    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.statusCode, 429);
    assert.equal(result.retryAfterMs, 30_000);
    assertNoSecret(result);
  });

  it('holds a long Retry-After to an hour', async () => {
    const patient = await startFakeSlack({ retryAfterSeconds: 86_400 });
    try {
      patient.script('retryable');
      const result = await slack.send(deliveryContext(slackTargetFor(patient)));
      assert.equal(result.retryAfterMs, 3_600_000);
    } finally {
      await patient.close();
    }
  });

  it('disables the hook on a removed webhook (404 no_service), as on a 410', async () => {
    fake.script('permanent');
    const result = await slack.send(deliveryContext(slackTargetFor(fake)));
    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 404);
    assert.equal(result.attempt.responseBody, 'no_service');
    assert.equal(result.disableHook, 'Slack says the webhook no longer exists (no_service)');
    assertNoSecret(result);
  });

  it('disables the hook when the channel is archived (410 channel_is_archived)', async () => {
    const archive = await startFakeSlack();
    try {
      archive.archiveChannel();
      const result = await slack.send(deliveryContext(slackTargetFor(archive)));
      assert.equal(result.outcome, 'permanent');
      assert.equal(result.attempt.responseBody, 'channel_is_archived');
      assert.ok(result.disableHook);
      assert.deepEqual(archive.violations, []);
    } finally {
      await archive.close();
    }
  });

  it('keeps the webhook path out of the record when an answer echoes it (a redirect to https)', async () => {
    const redirecting = await startFakeProvider({
      name: 'http-to-https',
      check: () => [],
      respond: (_, request) => ({
        status: 301,
        headers: { location: `https://hooks.slack.com${request.path}` },
        body: `Moved to ${request.path}`,
      }),
    });
    try {
      const result = await slack.send(deliveryContext({ type: 'slack', url: `${redirecting.url}${SECRET_PATH}` }));
      assert.equal(result.outcome, 'permanent');
      assert.equal(result.attempt.responseBody, 'Moved to [redacted]');
      assert.deepEqual(
        result.attempt.responseHeaders?.find((h) => h.name === 'location'),
        { name: 'location', value: 'https://hooks.slack.com[redacted]' },
      );
      assertNoSecret(result);
    } finally {
      await redirecting.close();
    }
  });
});
