import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import { createSender as createDiscordSender } from '../targets/discord/sender';
import type { AttemptResult } from '../targets/contract';
import { deliveryContext } from './support/delivery-context';
import { discordTargetFor, startFakeDiscord } from './support/fakes/discord';
import { startFakeProvider, useFake } from './support/fakes/provider';

const PUBLIC_URL = 'https://hooks.example.test';
const NO_MENTIONS = { parse: [] };

describe('Discord webhook target', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const discord = createDiscordSender({ http, publicUrl: PUBLIC_URL });
  let fake: Awaited<ReturnType<typeof startFakeDiscord>>;
  let webhookPath: string;

  useFake(async () => {
    fake = await startFakeDiscord({ retryAfterSeconds: 2.5 });
    webhookPath = new URL(discordTargetFor(fake).url).pathname;
    return fake;
  }, http);

  const sent = () => fake.accepted.map((request) => JSON.parse(request.body));
  const assertNoSecret = (result: AttemptResult) =>
    assert.ok(!JSON.stringify(result).includes(webhookPath), 'the webhook path holds its token');

  it('posts a default content with mentions off, waits for Discord to save it, and succeeds', async () => {
    const result = await discord.send(deliveryContext(discordTargetFor(fake)));
    assert.deepEqual(sent(), [
      {
        content: 'dataset-published: dataset ds-1\nhttps://hooks.example.test/v1/events/evt_1',
        allowed_mentions: NO_MENTIONS,
      },
    ]);
    assert.equal(fake.accepted[0]?.query.get('wait'), 'true');
    assert.equal(result.outcome, 'succeeded');
    assert.equal(result.attempt.statusCode, 200);
    assertNoSecret(result);
  });

  it("keeps the owner's query (a thread) and links to the event's own href", async () => {
    const target = discordTargetFor(fake);
    await discord.send(
      deliveryContext(
        { ...target, url: `${target.url}?thread_id=1111111111111111111` },
        { event: { data: { href: 'https://app.test/ds/1' } } },
      ),
    );
    assert.equal(fake.accepted[0]?.query.get('thread_id'), '1111111111111111111');
    assert.equal(sent()[0].content, 'dataset-published: dataset ds-1\nhttps://app.test/ds/1');
  });

  it('renders Liquid content, and an @everyone in it pings nobody', async () => {
    await discord.send(
      deliveryContext(
        { ...discordTargetFor(fake), content: '@everyone {{ event.data.name }} is out' },
        { event: { data: { name: 'Sales 2026' } } },
      ),
    );
    assert.deepEqual(sent(), [{ content: '@everyone Sales 2026 is out', allowed_mentions: NO_MENTIONS }]);
  });

  it('cuts the content at 2,000 characters without splitting an emoji', async () => {
    await discord.send(
      deliveryContext(
        { ...discordTargetFor(fake), content: '{{ event.data.long }}' },
        { event: { data: { long: '😀'.repeat(1_500) } } },
      ),
    );
    const [body] = sent();
    assert.equal(body.content, `${'😀'.repeat(999)}…`);
    assert.ok(body.content.length <= 2_000);
  });

  for (const [why, content, error] of [
    ['a template that fails', '{{ event.type | nosuchfilter }}', /failed to render/],
    ['a blank content, which Discord refuses (50006)', '{{ event.data.missing }}', /blank message/],
  ] as const) {
    it(`fails for good, sending nothing, on ${why}`, async () => {
      const result = await discord.send(deliveryContext({ ...discordTargetFor(fake), content }));
      assert.equal(result.outcome, 'permanent');
      assert.equal(result.attempt.errorKind, 'render');
      assert.match(result.attempt.errorMessage ?? '', error);
      assert.equal(fake.accepted.length, 0);
    });
  }

  it("retries a 429 after Discord's Retry-After", async () => {
    fake.script('retryable');
    const result = await discord.send(deliveryContext(discordTargetFor(fake)));
    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.statusCode, 429);
    assert.equal(result.retryAfterMs, 3_000, 'the header (whole seconds) wins over the body');
    assertNoSecret(result);
  });

  it("reads retry_after from the body when no header came (a proxy's 429), held to at least a second", async () => {
    const bare = await startFakeProvider({
      name: 'discord-without-header',
      check: () => [],
      respond: () => ({ status: 429, body: JSON.stringify({ message: 'Slow down', retry_after: 0.25, global: true }) }),
    });
    try {
      const target = discordTargetFor(fake);
      const result = await discord.send(deliveryContext({ ...target, url: target.url.replace(fake.url, bare.url) }));
      assert.equal(result.outcome, 'retryable');
      assert.equal(result.retryAfterMs, 1_000);
    } finally {
      await bare.close();
    }
  });

  it('holds a long wait to an hour', async () => {
    const patient = await startFakeDiscord({ retryAfterSeconds: 86_400 });
    try {
      patient.script('retryable');
      const result = await discord.send(deliveryContext(discordTargetFor(patient)));
      assert.equal(result.retryAfterMs, 3_600_000);
      assert.deepEqual(patient.violations, []);
    } finally {
      await patient.close();
    }
  });

  it('disables the hook on a deleted webhook (404 Unknown Webhook, 10015), as on a 410', async () => {
    fake.script('permanent');
    const result = await discord.send(deliveryContext(discordTargetFor(fake)));
    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 404);
    assert.deepEqual(JSON.parse(result.attempt.responseBody ?? ''), { message: 'Unknown Webhook', code: 10015 });
    assert.equal(result.disableHook, 'Discord says the webhook no longer exists (Unknown Webhook)');
    assertNoSecret(result);
  });

  it('keeps the webhook token out of the record when an answer echoes the path', async () => {
    const echo = await startFakeProvider({
      name: 'echo',
      check: () => [],
      respond: (_, request) => ({ status: 404, body: `Cannot POST ${request.path}` }),
    });
    try {
      const target = discordTargetFor(fake);
      const result = await discord.send(deliveryContext({ ...target, url: target.url.replace(fake.url, echo.url) }));
      assert.equal(result.attempt.responseBody, 'Cannot POST [redacted]');
      assertNoSecret(result);
    } finally {
      await echo.close();
    }
  });
});
