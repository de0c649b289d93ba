import { createServer, type Server } from 'node:http';
import type { Readable } from 'node:stream';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerEnvelope } from 'smtp-server';

/** A mail as the catcher received it, in the shape its HTTP listing returns. */
export interface CaughtMail {
  id: number;
  receivedAt: string;
  /** Envelope sender and recipients, as given in MAIL FROM and RCPT TO. */
  envelope: { from: string; to: string[] };
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}

/** A mail as read from its SMTP transaction: what the catcher lists of it but its id and arrival. */
export type ReadMail = Omit<CaughtMail, 'id' | 'receivedAt'>;

/**
 * Reads the mail an SMTP server's `onData` is handed: the envelope of its
 * transaction and the fields of its message, with the message's headers for
 * whoever checks them.
 */
export async function readMail(
  stream: Readable,
  envelope: SMTPServerEnvelope,
): Promise<{ mail: ReadMail; headers: ParsedMail['headers'] }> {
  const parsed = await simpleParser(stream);
  return {
    mail: {
      envelope: {
        from: envelope.mailFrom ? envelope.mailFrom.address : '',
        to: envelope.rcptTo.map((rcpt) => rcpt.address),
      },
      from: addresses(parsed.from)[0] ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html || null,
    },
    headers: parsed.headers,
  };
}

/**
 * A real SMTP server that keeps what it receives instead of relaying it, and
 * lists it over HTTP (`GET /messages`, `DELETE /messages`), for people running
 * the dev stack and for tests.
 */
export async function startSmtpCatcher(options: { smtpPort: number; httpPort: number }) {
  const mails: CaughtMail[] = [];
  let nextId = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      readMail(stream, session.envelope).then(
        ({ mail }) => {
          mails.push({ id: nextId++, receivedAt: new Date().toISOString(), ...mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });

  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://catcher');
    if (url.pathname !== '/messages') {
      res.writeHead(404).end();
      return;
    }
    if (req.method === 'DELETE') {
      mails.length = 0;
      res.writeHead(204).end();
      return;
    }
    const to = url.searchParams.get('to');
    const listed = to ? mails.filter((mail) => mail.envelope.to.includes(to)) : mails;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(listed));
  });

  const stop = async () => {
    await Promise.all([
      new Promise<void>((resolve) => smtp.close(() => resolve())),
      new Promise<void>((resolve) => (http.listening ? http.close(() => resolve()) : resolve())),
    ]);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(options.smtpPort, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.httpPort, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    // Half a catcher would keep the process alive with nobody to stop it.
    await stop();
    throw error;
  }

  return {
    smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`,
    mailboxUrl: `http://127.0.0.1:${options.httpPort}/messages`,
    stop,
  };
}
