import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { createSender as createEmailSender } from '../targets/email/sender';
import type { AttemptResult, DeliveryContext } from '../targets/contract';
import type { EmailConfig } from '../targets/email/config';
import { idOf } from '../core/ids';
import { deliveryContext } from './support/delivery-context';
import { emailTargetFor, FAKE_SMTP_PASSWORD, startFakeSmtp, type FakeSmtp } from './support/fakes/smtp';

const PUBLIC_URL = 'https://hookflow.test';

/** Invoice inv_42 paid by Ada Lovelace, to `target`. */
function contextFor(target: EmailConfig, timeoutMs?: number): DeliveryContext<EmailConfig> {
  return deliveryContext(target, {
    timeoutMs,
    event: {
      id: idOf('event', 'evt_email_1'),
      type: 'invoice.paid',
      resourceType: 'invoice',
      resourceId: 'inv_42',
      data: { amount: 4200, customer: { name: 'Ada Lovelace', email: 'ada@example.test' } },
    },
  });
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What the record of a send would show an owner, whatever the field. */
const recorded = (result: AttemptResult) => JSON.stringify(result);

describe('email target', () => {
  let fake: FakeSmtp;
  /** The worker's transport (SMTP_URL), here on the fake too. */
  let workerMailer: Transporter;
  /** Accepts connections and never greets, as a stuck server does. */
  let silent: Server;
  let silentPort: number;
  const held: Socket[] = [];

  const emailTarget = (options: { allowPrivateTargets?: boolean; mailer?: Transporter } = {}) =>
    createEmailSender({
      mailer: options.mailer ?? workerMailer,
      emailFrom: 'Hookflow <hooks@hookflow.test>',
      publicUrl: PUBLIC_URL,
      allowPrivateTargets: options.allowPrivateTargets ?? true,
    });

  before(async () => {
    fake = await startFakeSmtp();
    workerMailer = nodemailer.createTransport(fake.url);
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as AddressInfo).port;
  });

  after(async () => {
    workerMailer.close();
    held.forEach((socket) => socket.destroy());
    await Promise.all([fake.close(), new Promise<void>((resolve) => silent.close(() => resolve()))]);
  });

  beforeEach(() => {
    fake.accepted.length = 0;
  });

  it("renders to, subject, text and html with Liquid and sends them from the hook's address", async () => {
    const result = await emailTarget().send(
      contextFor({
        ...emailTargetFor(fake),
        to: '{{ event.data.customer.name }} <{{ event.data.customer.email }}>, ops@example.test',
        subject: 'Paid: {{ event.resourceId }}',
        text: '{{ event.data.customer.name }} paid {{ event.data.amount }} cents.',
        html: '<p>{{ event.data.customer.name }} paid <b>{{ event.data.amount }}</b> cents.</p>',
        from: 'Billing <billing@acme.test>',
      }),
    );

    assert.equal(result.outcome, 'succeeded');
    assert.match(result.attempt.responseBody ?? '', /^250 OK queued as fake-\d+$/);
    assert.equal(fake.accepted.length, 1);
    const [mail] = fake.accepted;
    assert.deepEqual(mail?.envelope, { from: 'billing@acme.test', to: ['ada@example.test', 'ops@example.test'] });
    assert.equal(mail.from, 'billing@acme.test');
    assert.deepEqual(mail.to, ['ada@example.test', 'ops@example.test']);
    assert.equal(mail.subject, 'Paid: inv_42');
    assert.equal(mail.text.trim(), 'Ada Lovelace paid 4200 cents.');
    assert.equal(mail.html?.trim(), '<p>Ada Lovelace paid <b>4200</b> cents.</p>');
  });

  it("names the event and its resource by default, from the worker's address", async () => {
    const result = await emailTarget().send(contextFor(emailTargetFor(fake)));

    assert.equal(result.outcome, 'succeeded');
    const [mail] = fake.accepted;
    assert.equal(mail?.from, 'hooks@hookflow.test');
    assert.deepEqual(mail.to, ['ops@example.test']);
    assert.equal(mail.subject, 'invoice.paid: invoice inv_42');
    assert.equal(
      mail.text.trim(),
      [
        'invoice.paid: invoice inv_42',
        '',
        '{',
        '  "amount": 4200,',
        '  "customer": {',
        '    "name": "Ada Lovelace",',
        '    "email": "ada@example.test"',
        '  }',
        '}',
        '',
        `${PUBLIC_URL}/v1/events/evt_email_1`,
      ].join('\n'),
    );
    assert.equal(mail.html, null);
  });

  it("sends through the worker's server when the hook names none: the operator chose it, private or not", async () => {
    const result = await emailTarget({ allowPrivateTargets: false }).send(
      contextFor({ type: 'email', to: 'ops@example.test' }),
    );

    assert.equal(result.outcome, 'succeeded');
    assert.deepEqual(fake.accepted[0]?.to, ['ops@example.test']);
  });

  it('retries a 451, with the reply in the record, and the next send goes through', async () => {
    fake.script('retryable');
    const deferred = await emailTarget().send(contextFor(emailTargetFor(fake)));

    assert.equal(deferred.outcome, 'retryable');
    assert.equal(deferred.attempt.errorKind, 'smtp');
    assert.equal(deferred.attempt.errorMessage, 'DATA: 451 4.3.0 Try again later');
    assert.equal(deferred.attempt.statusCode, undefined);
    assert.equal(fake.accepted.length, 0);

    const retried = await emailTarget().send(contextFor(emailTargetFor(fake)));
    assert.equal(retried.outcome, 'succeeded');
    assert.equal(fake.accepted.length, 1);
  });

  it('fails a 550 at once', async () => {
    fake.script('permanent');
    const result = await emailTarget().send(contextFor(emailTargetFor(fake)));

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.errorKind, 'smtp');
    assert.equal(result.attempt.errorMessage, 'RCPT TO: 550 5.1.1 Mailbox unavailable');
    assert.equal(fake.accepted.length, 0);
  });

  it("fails a refused login to the hook's server at once, and retries one to the worker's", async () => {
    const wrongPassword = 'wrong-password-81c4';
    const wrongUrl = fake.url.replace(FAKE_SMTP_PASSWORD, wrongPassword);

    const hooks = await emailTarget().send(contextFor({ ...emailTargetFor(fake), smtpUrl: wrongUrl }));
    assert.equal(hooks.outcome, 'permanent');
    assert.equal(hooks.attempt.errorMessage, 'AUTH PLAIN: 535 5.7.8 Authentication credentials invalid');
    assert.ok(!recorded(hooks).includes(wrongPassword));

    const misconfigured = nodemailer.createTransport(wrongUrl);
    const workers = await emailTarget({ mailer: misconfigured }).send(
      contextFor({ type: 'email', to: 'ops@example.test' }),
    );
    misconfigured.close();
    assert.equal(workers.outcome, 'retryable');
    assert.equal(workers.attempt.errorKind, 'smtp');
  });

  it('fails an smtpUrl it cannot read at once, without echoing it', async () => {
    const result = await emailTarget().send(
      contextFor({ ...emailTargetFor(fake), smtpUrl: 'smtp://hookflow:half%encoded-secret@mail.example.test' }),
    );

    assert.equal(result.outcome, 'permanent');
    assert.equal(result.attempt.errorKind, 'config');
    assert.ok(!recorded(result).includes('secret'));
  });

  it('retries when the server refuses the connection', async () => {
    const result = await emailTarget().send(
      contextFor({ ...emailTargetFor(fake), smtpUrl: `smtp://127.0.0.1:${await closedPort()}` }),
    );

    assert.equal(result.outcome, 'retryable');
    assert.equal(result.attempt.errorKind, 'connection');
    assert.match(result.attempt.errorMessage ?? '', /ECONNREFUSED/);
  });

  it("gives up on a server that never greets after the hook's timeout, through either server", async () => {
    const silentUrl = `smtp://127.0.0.1:${silentPort}`;
    const hooks = await emailTarget().send(contextFor({ ...emailTargetFor(fake), smtpUrl: silentUrl }, 300));
    assert.equal(hooks.outcome, 'retryable');
    assert.equal(hooks.attempt.errorKind, 'timeout');
    assert.ok(hooks.attempt.durationMs < 2_000, `took ${hooks.attempt.durationMs} ms`);

    const stuck = nodemailer.createTransport(silentUrl);
    const workers = await emailTarget({ mailer: stuck }).send(
      contextFor({ type: 'email', to: 'ops@example.test' }, 300),
    );
    stuck.close();
    assert.equal(workers.outcome, 'retryable');
    assert.equal(workers.attempt.errorKind, 'timeout');
    assert.ok(workers.attempt.durationMs < 2_000, `took ${workers.attempt.durationMs} ms`);
  });

  it('fails at once, saying why, when a template does not render or renders no valid recipient', async () => {
    const cases = [
      { field: { subject: '{{ event.type | no_such_filter }}' }, why: /failed to render.*no_such_filter/ },
      { field: { to: '{{ event.data.nobody }}' }, why: /rendered no address/ },
      { field: { to: '{{ event.data.customer.name }}' }, why: /invalid address: "Ada Lovelace"/ },
    ];
    for (const { field, why } of cases) {
      const result = await emailTarget().send(contextFor({ ...emailTargetFor(fake), ...field }));
      assert.equal(result.outcome, 'permanent', JSON.stringify(field));
      assert.equal(result.attempt.errorKind, 'render');
      assert.match(result.attempt.errorMessage ?? '', why);
    }
    assert.equal(fake.accepted.length, 0);
  });

  it('refuses an SMTP host that is or resolves to a private address unless private targets are allowed', async () => {
    const { port } = new URL(fake.url);
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      const smtpUrl = fake.url.replace(`127.0.0.1:${port}`, `${host}:${port}`);
      const result = await emailTarget({ allowPrivateTargets: false }).send(
        contextFor({ ...emailTargetFor(fake), smtpUrl }),
      );
      assert.equal(result.outcome, 'permanent', host);
      assert.equal(result.attempt.errorKind, 'private_address');
      assert.match(result.attempt.errorMessage ?? '', /private address .*public SMTP server/);
      assert.ok(!recorded(result).includes(FAKE_SMTP_PASSWORD));
    }
    assert.equal(fake.accepted.length, 0);

    const allowed = await emailTarget().send(
      contextFor({ ...emailTargetFor(fake), smtpUrl: fake.url.replace('127.0.0.1', 'localhost') }),
    );
    assert.equal(allowed.outcome, 'succeeded');
  });

  it("never records the smtpUrl's password, and the fake found nothing wrong in what was sent", async () => {
    fake.script('retryable', 'permanent');
    const results = [
      await emailTarget().send(contextFor(emailTargetFor(fake))),
      await emailTarget().send(contextFor(emailTargetFor(fake))),
      await emailTarget().send(contextFor(emailTargetFor(fake))),
    ];
    assert.deepEqual(
      results.map((result) => result.outcome),
      ['retryable', 'permanent', 'succeeded'],
    );
    for (const result of results) assert.ok(!recorded(result).includes(FAKE_SMTP_PASSWORD));
    assert.deepEqual(fake.violations, []);
  });
});
