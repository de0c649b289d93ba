import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHttpClient } from '../activities/http/client';
import type { AttemptResult } from '../targets/contract';
import { createSender as createTelegramSender } from '../targets/telegram/sender';
import { deliveryContext } from './support/delivery-context';
import { startFakeProvider, useFake } from './support/fakes/provider';
import { startFakeTelegram, telegramTargetFor } from './support/fakes/telegram';

const PUBLIC_URL = 'https://hooks.example.test';

describe('Telegram sendMessage target', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  const telegram = createTelegramSender({ http, publicUrl: PUBLIC_URL });
  let fake: Awaited<ReturnType<typeof startFakeTelegram>>;
  let token: string;

  useFake(async () => {
    fake = await startFakeTelegram({ retryAfterSeconds: 5 });
    token = telegramTargetFor(fake).botToken;
    return fake;
  }, http);

  const sent = () => fake.accepted.map((request) => JSON.parse(request.body));
  const assertNoToken = (result: AttemptResult) =>
    assert.ok(!JSON.stringify(result).includes(token), 'the bot token is a secret');

  it('sends a plain default text naming the event to the chat, and succeeds', async () => {
    const result = await telegram.send(deliveryContext(telegramTargetFor(fake)));
    assert.deepEqual(sent(), [
      {
        chat_id: '-1001234567890',
        text: 'dataset-published: dataset ds-1\nhttps://hooks.example.test/v1/events/evt_1',
      },
    ]);
    assert.equal(result.outcome, 'succeeded');
    assert.equal(JSON.parse(result.attempt.responseBody ?? '').ok, true);
    assertNoToken(result);
  });

  it("renders Liquid text, and links to the event's own href by default", async () => {
    await telegram.send(
      deliveryContext(
        { ...telegramTargetFor(fake), text: '{{ event.data.name }} is out' },
        { event: { data: { name: 'Sales 2026' } } },
      ),
    );
    await telegram.send(
      deliveryContext(telegramTargetFor(fake), { event: { data: { href: 'https://app.test/ds/1' } } }),
    );
    assert.deepEqual(
      sent().map((body) => body.text),
      ['Sales 2026 is out', 'dataset-published: dataset ds-1\nhttps://app.test/ds/1'],
    );
  });

  it('cuts the text at 4,096 characters', async () => {
    await telegram.send(
      deliveryContext(
        { ...telegramTargetFor(fake), text: '{{ event.data.long }}' },
        { event: { data: { long: 'y'.repeat(9_000) } } },
      ),
    );
    assert.equal(sent()[0].text, `${'y'.repeat(4_095)}…`);
  });

  it('fails for good, sending nothing, on a template that fails or renders blank', async () => {
    for (const [text, error] of [
      ['{{ event.type | nosuchfilter }}', /failed to render/],
      [' {{ event.data.missing }} ', /blank message/],
    ] as const) {
      const result = await telegram.send(deliveryContext({ ...telegramTargetFor(fake), text }));
      assert.equal(result.outcome, 'permanent');
      assert.equal(result.attempt.errorKind, 'render');
      assert.match(result.attempt.errorMessage ?? '', error);
    }
    assert.equal(fake.accepted.length, 0);
  });

  it("retries a 429 after Telegram's parameters.retry_after", async () => {
    fake.script('retryable');
    const result = await telegram.send(deliveryContext(telegramTargetFor(fake)));
    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.statusCode, 429);
    assert.equal(result.retryAfterMs, 5_000);
    assertNoToken(result);
  });

  it('holds a long flood wait to an hour', async () => {
    const patient = await startFakeTelegram({ retryAfterSeconds: 86_400 });
    try {
      patient.script('retryable');
      const result = await telegram.send(deliveryContext(telegramTargetFor(patient)));
      assert.equal(result.retryAfterMs, 3_600_000);
      assert.deepEqual(patient.violations, []);
    } finally {
      await patient.close();
    }
  });

  it('gives up when the chat is not found (400)', async () => {
    fake.script('permanent');
    const result = await telegram.send(deliveryContext(telegramTargetFor(fake)));
    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.statusCode, 400);
    assert.equal(JSON.parse(result.attempt.responseBody ?? '').description, 'Bad Request: chat not found');
    assertNoToken(result);
  });

  it('disables the hook when the chat blocked or removed the bot (403), as on a 410, and only then', async () => {
    for (const [description, disables] of [
      ['Forbidden: bot was blocked by the user', true],
      ['Forbidden: bot was kicked from the group chat', true],
      ['Forbidden: bot is not a member of the channel chat', false],
    ] as const) {
      const shutOut = await startFakeProvider({
        name: 'telegram-403',
        check: () => [],
        respond: () => ({
          status: 403,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ok: false, error_code: 403, description }),
        }),
      });
      try {
        const result = await telegram.send(deliveryContext({ ...telegramTargetFor(fake), baseUrl: shutOut.url }));
        assert.equal(result.outcome, 'permanent');
        assert.equal(result.disableHook, disables ? `Telegram: ${description}` : undefined, description);
      } finally {
        await shutOut.close();
      }
    }
  });

  it('reaches the bot API at its base URL, with or without a trailing slash', async () => {
    const result = await telegram.send(deliveryContext({ ...telegramTargetFor(fake), baseUrl: `${fake.url}/` }));
    assert.equal(result.outcome, 'succeeded');
    assert.equal(fake.accepted[0]?.path, `/bot${token}/sendMessage`);
  });

  it('keeps the token out of the record when an answer echoes the path, even cut short by the 4 KiB cap', async () => {
    const echo = await startFakeProvider({
      name: 'echo',
      check: () => [],
      respond: (_, request) => ({
        status: 301,
        headers: { location: `https://api.telegram.org${request.path}` },
        // The cap keeps the first 4,096 bytes: the second echo is cut 20 characters into the token.
        body: `Cannot POST ${request.path} ${'.'.repeat(4_096 - 12 - request.path.length - 1 - 4 - 20)}/bot${request.path.slice(4)}`,
      }),
    });
    try {
      const result = await telegram.send(deliveryContext({ ...telegramTargetFor(fake), baseUrl: echo.url }));
      const body = result.attempt.responseBody ?? '';
      assert.ok(body.startsWith('Cannot POST /bot[redacted]/sendMessage '));
      assert.ok(body.endsWith('/bot[redacted]'), body.slice(-40));
      assert.deepEqual(
        result.attempt.responseHeaders?.find((h) => h.name === 'location'),
        { name: 'location', value: 'https://api.telegram.org/bot[redacted]/sendMessage' },
      );
      assertNoToken(result);
      assert.ok(!body.includes(token.slice(0, 20)), 'not even the part the cap left');
    } finally {
      await echo.close();
    }
  });

  it('keeps the token out of error messages', async () => {
    const result = await telegram.send(deliveryContext({ ...telegramTargetFor(fake), baseUrl: 'http://127.0.0.1:1' }));
    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.errorKind, 'connection');
    assertNoToken(result);
  });
});
