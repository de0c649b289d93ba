import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import nodemailer from 'nodemailer';
import { freePort } from '../scripts/devstack/ports';
import { startSmtpCatcher, type CaughtMail } from '../scripts/devstack/smtp-catcher';

/** The dev stack's SMTP catcher is a real SMTP server: nodemailer talks to it as to any other. */
describe('SMTP catcher', () => {
  let catcher: Awaited<ReturnType<typeof startSmtpCatcher>>;

  before(async () => {
    catcher = await startSmtpCatcher({ smtpPort: await freePort(), httpPort: await freePort() });
  });
  after(() => catcher.stop());

  it('keeps the mails it receives and lists them over HTTP, by recipient', async () => {
    const transport = nodemailer.createTransport(catcher.smtpUrl);
    await transport.sendMail({
      from: 'Hookflow <alerts@hookflow.test>',
      to: 'owner@acme.test',
      subject: 'Your hook was disabled',
      text: 'It failed 100 times.',
      html: '<p>It failed 100 times.</p>',
    });
    await transport.sendMail({ from: 'alerts@hookflow.test', to: 'someone@else.test', subject: 'Other', text: '.' });
    transport.close();

    const listed = (await (await fetch(`${catcher.mailboxUrl}?to=owner@acme.test`)).json()) as CaughtMail[];
    assert.equal(listed.length, 1);
    const [mail] = listed;
    assert.equal(mail?.from, 'alerts@hookflow.test');
    assert.deepEqual(mail?.to, ['owner@acme.test']);
    assert.equal(mail?.subject, 'Your hook was disabled');
    assert.equal(mail?.text.trim(), 'It failed 100 times.');
    assert.equal(mail?.html?.trim(), '<p>It failed 100 times.</p>');

    assert.equal(((await (await fetch(catcher.mailboxUrl)).json()) as CaughtMail[]).length, 2);
    assert.equal((await fetch(catcher.mailboxUrl, { method: 'DELETE' })).status, 204);
    assert.deepEqual(await (await fetch(catcher.mailboxUrl)).json(), []);
  });
});
