import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { createHttpClient } from '../activities/http/client';
import { createHookSender, type HookSender } from '../activities/hook-sender';
import { BUILT_IN_DELIVERY_SETTINGS } from '../core/delivery-settings';
import type { Hook } from '../infra/models/hook';
import { idOf } from '../core/ids';
import { createSecretBox } from '../infra/secret-box';
import { openTarget, sealTarget, type TargetInput, type TargetType } from '../targets/catalogue';
import type { AttemptResult } from '../targets/contract';
import { TARGETS } from '../targets/registry';
import { createSenders } from '../targets/senders';
import { discordTargetFor, startFakeDiscord } from './support/fakes/discord';
import { ga4TargetFor, startFakeGa4 } from './support/fakes/ga4';
import type { ProviderAnswer, ScriptedFake } from './support/fakes/provider';
import { slackTargetFor, startFakeSlack } from './support/fakes/slack';
import { emailTargetFor, startFakeSmtp } from './support/fakes/smtp';
import { startFakeTelegram, telegramTargetFor } from './support/fakes/telegram';
import { startFakeTwilio, twilioTargetFor } from './support/fakes/twilio';
import { startFakeUa, uaTargetFor } from './support/fakes/ua';
import { startFakeProvider } from './support/fakes/provider';

/** A Liquid filter that does not exist: every Liquid field fails to render with it, whatever the event. */
const FAILING_LIQUID = '{{ event.type | no_such_filter }}';

/** The fakes of this suite: the HTTP ones take `gone` and `echo` too (the SMTP one is never asked either). */
type Fake = ScriptedFake<ProviderAnswer>;

/** What a stored hook holds besides its target: HTTP's format and template, a misskey hook's own secret (plain). */
interface HookExtras {
  format?: string;
  template?: Hook['template'];
  misskeySecret?: string;
}

/** A hook of the type whose Liquid fails to render: its target, and HTTP's template format where that is the Liquid. */
interface RenderFailure extends HookExtras {
  target: TargetInput;
}

/**
 * How to put one target type through the suite: its fake, a hook target (as
 * the API takes it) sending there, the values no record may ever show, and
 * the cases its provider has. Keyed by every registered type: a type added
 * to the registry without its line here does not compile.
 */
interface Conformance {
  /** `renderFailure` is there when the type has Liquid fields (see `liquid`); `hook`, what its hooks hold besides. */
  start(): Promise<{
    fake: Fake;
    target: TargetInput;
    secrets: string[];
    hook?: HookExtras;
    renderFailure?: RenderFailure;
  }>;
  /** The type renders Liquid; otherwise why not. */
  liquid: true | { none: string };
  /** The provider can say the target is gone for good (and the fake says it); otherwise why not. */
  gone: true | { none: string };
  /** The fake can echo the request back (HTTP providers); otherwise why not. */
  echo: true | { none: string };
}

const httpFake = () =>
  startFakeProvider({
    name: 'receiver',
    check: () => [],
    respond: (answer) => ({ status: { ok: 204, retryable: 503, permanent: 422 }[answer] }),
  });

const CONFORMANCE: Record<TargetType, Conformance> = {
  http: {
    async start() {
      const fake = await httpFake();
      const target: TargetInput = {
        type: 'http',
        url: `${fake.url}/hook`,
        method: 'POST',
        headers: { authorization: { value: 'Bearer conformance-secret-header', secret: true }, 'x-plain': 'plain' },
      };
      return {
        fake,
        target,
        // The misskey format sends its own secret in the clear (X-Misskey-Hook-Secret): an echo must not record it.
        hook: { format: 'misskey', misskeySecret: 'conformance misskey secret' },
        secrets: ['Bearer conformance-secret-header', 'conformance misskey secret'],
        renderFailure: {
          target,
          format: 'template',
          template: { contentType: 'application/json', body: FAILING_LIQUID },
        },
      };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
  ga4: {
    async start() {
      const fake = await startFakeGa4();
      const target = ga4TargetFor(fake);
      return {
        fake,
        target,
        secrets: [target.apiSecret],
        renderFailure: { target: { ...target, params: { page: FAILING_LIQUID } } },
      };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
  ua: {
    async start() {
      const fake = await startFakeUa();
      return { fake, target: uaTargetFor(fake), secrets: [] };
    },
    liquid: { none: 'a UA hit has no Liquid field' },
    gone: true,
    echo: true,
  },
  email: {
    async start() {
      const fake = await startFakeSmtp();
      const target = emailTargetFor(fake);
      return {
        fake,
        target,
        secrets: [target.smtpUrl],
        renderFailure: { target: { ...target, subject: FAILING_LIQUID } },
      };
    },
    liquid: true,
    gone: { none: 'SMTP has no answer for a mailbox that will never take mail again, only per message' },
    echo: { none: 'an SMTP server answers in reply codes, not with the request' },
  },
  'twilio-sms': {
    async start() {
      const fake = await startFakeTwilio();
      const target = twilioTargetFor(fake);
      const basic = Buffer.from(`${target.accountSid}:${target.authToken}`).toString('base64');
      return {
        fake,
        target,
        secrets: [target.authToken, basic],
        renderFailure: { target: { ...target, body: FAILING_LIQUID } },
      };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
  slack: {
    async start() {
      const fake = await startFakeSlack({ retryAfterSeconds: 1 });
      const target = slackTargetFor(fake);
      const token = new URL(target.url).pathname;
      return { fake, target, secrets: [token], renderFailure: { target: { ...target, text: FAILING_LIQUID } } };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
  discord: {
    async start() {
      const fake = await startFakeDiscord({ retryAfterSeconds: 1 });
      const target = discordTargetFor(fake);
      const token = new URL(target.url).pathname;
      return { fake, target, secrets: [token], renderFailure: { target: { ...target, content: FAILING_LIQUID } } };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
  telegram: {
    async start() {
      const fake = await startFakeTelegram({ retryAfterSeconds: 1 });
      const target = telegramTargetFor(fake);
      return {
        fake,
        target,
        secrets: [target.botToken],
        renderFailure: { target: { ...target, text: FAILING_LIQUID } },
      };
    },
    liquid: true,
    gone: true,
    echo: true,
  },
};

const secrets = createSecretBox(randomBytes(32));

/** A stored hook of `target`, sealed as the API stores it: the senders' own way in. */
function storedHook(target: TargetInput, extra: HookExtras = {}) {
  // As the worker reads it (lean): plain arrays where mongoose's type says DocumentArray.
  return {
    _id: `hook_conformance_${target.type}`,
    ownerId: 'own_conformance',
    name: `conformance ${target.type}`,
    events: ['conformance.checked'],
    target: sealTarget(secrets, target),
    format: extra.format ?? (target.type === 'http' ? 'standard' : undefined),
    template: extra.template,
    misskeySecret: extra.misskeySecret === undefined ? undefined : secrets.seal(extra.misskeySecret),
    status: 'enabled',
    delivery: {},
    signingSecrets: [],
    failureCount: 0,
    enabledCount: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  } as unknown as Hook & { _id: string };
}

const event = () => ({
  id: idOf('event', 'evt_conformance'),
  ownerId: idOf('owner', 'own_conformance'),
  type: 'conformance.checked',
  resourceType: 'dataset',
  resourceId: 'ds-1',
  createdAt: new Date(),
  data: { title: 'Budget 2026' },
});

/**
 * The same guarantees from every registered target type, through the
 * worker's own path (sealed hook, opened target, the type's sender, the
 * record's redaction), each against a local fake of its provider that checks
 * the wire format. test/targets-delivery.test.ts puts them through the whole
 * stack; this suite is what a new type must pass first.
 */
describe('every target type conforms', () => {
  const http = createHttpClient({ allowPrivateTargets: true });
  let sender: HookSender;

  before(async () => {
    const senders = await createSenders({
      http,
      // Email hooks here send through their own server (the fake); this transport is never used.
      mailer: nodemailer.createTransport({ jsonTransport: true }),
      emailFrom: 'Hookflow <hooks@hookflow.test>',
      publicUrl: 'https://hookflow.test',
      allowPrivateTargets: true,
    });
    sender = createHookSender({ senders, secrets, deliveryDefaults: BUILT_IN_DELIVERY_SETTINGS });
  });
  after(() => http.close());

  it('has a conformance case for every registered type', () => {
    assert.deepEqual(Object.keys(CONFORMANCE).sort(), TARGETS.map((target) => target.type).sort());
  });

  for (const { type } of TARGETS) {
    const conformance = CONFORMANCE[type];
    describe(type, () => {
      let fake: Fake;
      let target: TargetInput;
      let extras: HookExtras | undefined;
      let mustNotShow: string[];
      let renderFailure: RenderFailure | undefined;

      before(async () => {
        ({ fake, target, hook: extras, renderFailure, secrets: mustNotShow } = await conformance.start());
        // What the type itself declares secret, and what the case knows is: a type that forgets one fails here.
        mustNotShow = [...mustNotShow, ...openTarget(secrets, sealTarget(secrets, target)).secretValues];
      });
      after(async () => {
        assert.deepEqual(fake.violations, [], 'every request had the wire format the provider documents');
        await fake.close();
      });

      const send = (answer?: ProviderAnswer, hook = storedHook(target, extras)) => {
        if (answer) fake.script(answer);
        return sender.send(hook, `dlv_conformance_${type}`, event());
      };

      /** No secret value, nor its URL-encoded form, anywhere in what is recorded or returned. */
      function assertNoSecretIn(result: AttemptResult) {
        const recorded = JSON.stringify(result);
        for (const secret of mustNotShow) {
          assert.ok(!recorded.includes(secret), `${type} recorded a secret: ${recorded.slice(0, 500)}`);
          assert.ok(!recorded.includes(encodeURIComponent(secret)), `${type} recorded a secret, URL-encoded`);
        }
      }

      it("succeeds on the provider's success and records it", async () => {
        const before = fake.accepted.length;
        const result = await send('ok');
        assert.equal(result.outcome, 'succeeded', JSON.stringify(result.attempt));
        assert.equal(fake.accepted.length, before + 1);
        assertNoSecretIn(result);
      });

      it('is retryable on a passing failure', async () => {
        const result = await send('retryable');
        assert.equal(result.outcome, 'retryable', JSON.stringify(result.attempt));
        assertNoSecretIn(result);
      });

      it('fails for good on a final refusal', async () => {
        const result = await send('permanent');
        assert.equal(result.outcome, 'permanent', JSON.stringify(result.attempt));
        assertNoSecretIn(result);
      });

      if (conformance.gone === true) {
        it('asks for the hook to be disabled when the provider says the target is gone', async () => {
          const result = await send('gone');
          assert.equal(result.outcome, 'permanent');
          assert.match(result.disableHook ?? '', /\S/, 'a reason for the owner');
          assertNoSecretIn(result);
        });
      }

      if (conformance.echo === true) {
        it('keeps its secrets out of the record when an answer echoes the request back', async () => {
          const result = await send('echo');
          assert.equal(result.outcome, 'retryable');
          assert.ok(result.attempt.responseBody, 'the echo is recorded, as any answer is');
          assertNoSecretIn(result);
        });
      }

      if (conformance.liquid === true) {
        it('fails for good, sending nothing, when its Liquid cannot render', async () => {
          assert.ok(renderFailure, `the ${type} case gives a hook whose Liquid fails`);
          const before = fake.accepted.length;
          const { target: failing, ...extra } = renderFailure;
          const result = await send(undefined, storedHook(failing, extra));
          assert.equal(result.outcome, 'permanent');
          assert.equal(result.attempt.errorKind, 'render');
          assert.match(result.attempt.errorMessage ?? '', /no_such_filter/);
          assert.equal(fake.accepted.length, before, 'nothing reached the provider');
        });
      }
    });
  }
});
