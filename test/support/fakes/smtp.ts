import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { readMail, type ReadMail } from '../../../scripts/devstack/smtp-catcher';
import type { FakeAnswer } from './provider';

/** A mail as the fake SMTP server received it: as the dev stack's catcher lists one, without id and arrival. */
export type FakeMail = ReadMail;

/** The only account the fake lets in; its URL carries it, so tests can check the password never leaks. */
export const FAKE_SMTP_USER = 'hookflow';
export const FAKE_SMTP_PASSWORD = 'fake-smtp-password-3f9c1e';

/** RFC 5322 §3.6: the origination date and the originator are the two fields every message must have. */
function problems(headers: ParsedMail['headers']): string[] {
  return [...(headers.has('date') ? [] : ['no Date header']), ...(headers.has('from') ? [] : ['no From header'])];
}

function reply(responseCode: number, message: string): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * A stand-in for a hook's own SMTP server on loopback, shaped like the HTTP
 * fakes: each mail transaction is answered as scripted (`script`, one per
 * mail, then `ok`), where a real server would answer it. `permanent` refuses
 * the recipient (550 at RCPT TO), `retryable` defers the message (451 at DATA,
 * as greylisting and full queues do), `ok` keeps it in `accepted`. A mail
 * missing a header RFC 5322 requires is refused and kept in `violations`.
 */
export async function startFakeSmtp() {
  const accepted: FakeMail[] = [];
  const violations: { mail: FakeMail; problems: string[] }[] = [];
  const answers: FakeAnswer[] = [];
  /** The answer to each connection's current transaction, taken at MAIL FROM. */
  const current = new Map<string, FakeAnswer>();

  const server = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === FAKE_SMTP_USER && auth.password === FAKE_SMTP_PASSWORD) {
        callback(null, { user: auth.username });
      } else {
        callback(reply(535, '5.7.8 Authentication credentials invalid'));
      }
    },
    onMailFrom(_address, session, callback) {
      current.set(session.id, answers.shift() ?? 'ok');
      callback();
    },
    onRcptTo(_address, session, callback) {
      callback(current.get(session.id) === 'permanent' ? reply(550, '5.1.1 Mailbox unavailable') : null);
    },
    onData(stream, session, callback) {
      readMail(stream, session.envelope).then(
        ({ mail, headers }) => {
          const found = problems(headers);
          if (found.length > 0) {
            violations.push({ mail, problems: found });
            return callback(reply(550, `5.6.0 fake smtp: ${found.join(', ')}`));
          }
          if (current.get(session.id) === 'retryable') return callback(reply(451, '4.3.0 Try again later'));
          accepted.push(mail);
          callback(null, `OK queued as fake-${accepted.length}`);
        },
        (error: Error) => callback(error),
      );
    },
    onClose(session) {
      current.delete(session.id);
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    name: 'smtp',
    /** What a hook puts in its `smtpUrl`: plain SMTP, with the fake's account. */
    url: `smtp://${FAKE_SMTP_USER}:${FAKE_SMTP_PASSWORD}@127.0.0.1:${port}`,
    accepted,
    violations,
    /** Queues how the next mails are answered, in order. */
    script(...next: FakeAnswer[]) {
      answers.push(...next);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeSmtp = Awaited<ReturnType<typeof startFakeSmtp>>;

/** The API input of an email hook that sends through the fake. */
export function emailTargetFor(fake: FakeSmtp) {
  return { type: 'email' as const, to: 'ops@example.test', smtpUrl: fake.url };
}
