import { lookup } from 'node:dns/promises';
import { isIP, isIPv4 } from 'node:net';
import nodemailer, { type NodemailerError, type SendMailOptions, type SentMessageInfo } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { isPrivateAddress, PrivateAddressError } from '../../core/address-guard';
import { eventHeadline, RenderError, renderText, templateScope } from '../../core/payloads';
import { rendered } from '../sending/outcome';
import type { EmailConfig } from './config';
import type { AttemptResult, DeliveryContext, Outcome, Sender, SenderDependencies } from '../contract';

/** Something, an @, something: the receiving server judges the rest. */
const MAILBOX = /^[^\s@]+@[^\s@]+$/;
/** Server replies and error messages are kept to this, like an HTTP answer's body. */
const MAX_RECORDED_MESSAGE = 1024;

/** The rendered `to` as mailboxes, display names kept. None, or a bad one, will not render better on a retry. */
function recipients(to: string) {
  const mailboxes = addressparser(to, { flatten: true });
  if (mailboxes.length === 0) throw new RenderError(`The recipient rendered no address: "${to.slice(0, 200)}"`);
  const invalid = mailboxes.find((mailbox) => !MAILBOX.test(mailbox.address));
  if (invalid) {
    throw new RenderError(`The recipient rendered an invalid address: "${invalid.address || invalid.name}"`);
  }
  return mailboxes;
}

/** What a hook without a body of its own sends: the event in a line, its data, and where to read it. */
function defaultText(event: DeliveryContext['event'], publicUrl: string): string {
  const link = `${publicUrl}/v1/events/${event.id}`;
  return [eventHeadline(event), '', JSON.stringify(event.data, null, 2), '', link].join('\n');
}

/** The mail for one event, every Liquid field rendered. Throws RenderError. */
function renderMail(context: DeliveryContext, target: EmailConfig, deps: Omit<SenderDependencies, 'http'>) {
  const scope = templateScope(context, deps.publicUrl);
  const render = (template: string | undefined) => (template === undefined ? undefined : renderText(template, scope));
  const html = render(target.html);
  return {
    from: target.from ?? deps.emailFrom,
    to: recipients(renderText(target.to, scope)),
    subject: render(target.subject) ?? eventHeadline(context.event),
    // A hook that writes its own HTML gets no text part it did not write.
    text: render(target.text) ?? (html === undefined ? defaultText(context.event, deps.publicUrl) : undefined),
    html,
  } satisfies SendMailOptions;
}

/**
 * The server a hook's smtpUrl names. Options in its query string are not
 * honoured: nodemailer would take a proxy or a local address to send from
 * there, and both would get past the private-address guard.
 */
function smtpServerOf(smtpUrl: string) {
  try {
    const url = new URL(smtpUrl);
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : undefined,
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
    };
  } catch {
    // Nodemailer's code for a bad configuration; the message leaves the URL, and its password, out.
    throw Object.assign(new Error("The hook's smtpUrl is not a valid URL"), { code: 'ECONFIG' });
  }
}

/** A name lookup cannot be cancelled, but the attempt need not wait for it past its deadline. */
function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  const timedOut = () => Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' });
  const deadline = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(timedOut()), { once: true });
  });
  return Promise.race([work, deadline]);
}

/**
 * The address to dial for a hook's SMTP host: resolved once and every answer
 * checked, so that a second, different DNS answer cannot redirect the
 * connection to an address that was never checked (DNS rebinding).
 */
async function checkedAddress(host: string, allowPrivate: boolean, signal: AbortSignal): Promise<string> {
  const addresses = isIP(host)
    ? [host]
    : (await beforeDeadline(lookup(host, { all: true }), signal, `Resolving ${host}`)).map((entry) => entry.address);
  const refused = allowPrivate ? undefined : addresses.find((address) => isPrivateAddress(address));
  if (refused) throw new PrivateAddressError(refused);
  // IPv4 first, as nodemailer's own resolver does: a host with both may sit behind a worker without IPv6.
  // A successful lookup has at least one answer.
  return addresses.find((address) => isIPv4(address)) ?? (addresses[0] as string);
}

async function sendThroughHookServer(
  smtpUrl: string,
  mail: SendMailOptions,
  options: { allowPrivateTargets: boolean; timeoutMs: number; signal: AbortSignal },
): Promise<SentMessageInfo> {
  const server = smtpServerOf(smtpUrl);
  const address = await checkedAddress(server.host, options.allowPrivateTargets, options.signal);
  // One transport per send: an unpooled transport opens a connection per mail anyway, and a cached one
  // would keep dialling an address checked once, long ago.
  const transport = nodemailer.createTransport({
    ...server,
    host: address,
    // TLS still checks the certificate against the name the owner gave, not the address dialled.
    servername: isIP(server.host) ? undefined : server.host,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  try {
    return await transport.sendMail({ ...mail, signal: options.signal });
  } finally {
    transport.close();
  }
}

/** Why a send got no SMTP reply to judge, by nodemailer's (or Node's) error code, and whether a retry can help. */
const WITHOUT_REPLY: Record<string, { errorKind: string; outcome: Outcome }> = {
  ETIMEDOUT: { errorKind: 'timeout', outcome: 'retryable' },
  // The attempt's deadline is the only signal a send is given.
  EABORT: { errorKind: 'timeout', outcome: 'retryable' },
  EDNS: { errorKind: 'dns', outcome: 'retryable' },
  ENOTFOUND: { errorKind: 'dns', outcome: 'retryable' },
  EAI_AGAIN: { errorKind: 'dns', outcome: 'retryable' },
  ECONNECTION: { errorKind: 'connection', outcome: 'retryable' },
  ESOCKET: { errorKind: 'connection', outcome: 'retryable' },
  EPROTOCOL: { errorKind: 'connection', outcome: 'retryable' },
  ETLS: { errorKind: 'tls', outcome: 'retryable' },
  // Credentials missing, or no login method in common: only editing the hook helps.
  EAUTH: { errorKind: 'auth', outcome: 'permanent' },
  ENOAUTH: { errorKind: 'auth', outcome: 'permanent' },
  EENVELOPE: { errorKind: 'envelope', outcome: 'permanent' },
  ECONFIG: { errorKind: 'config', outcome: 'permanent' },
};

/** The worker's own server refusing its login is the operator's to fix, not the hook's: worth retrying. */
const LOGIN_FAILURES = new Set(['EAUTH', 'ENOAUTH']);

/**
 * What broke and whether a retry can help. A server reply decides by its
 * class (RFC 5321 §4.2.1: 4yz transient, 5yz permanent, 503 excepted, as
 * nodemailer's `permanent` reads it), and its command, code and text are kept.
 */
function judgeSmtpError(error: NodemailerError): { errorKind: string; outcome: Outcome; message: string } {
  if (error.responseCode === undefined) {
    return {
      ...(WITHOUT_REPLY[error.code ?? ''] ?? { errorKind: 'other', outcome: 'retryable' }),
      message: error.message,
    };
  }
  const reply = error.response ?? String(error.responseCode);
  return {
    errorKind: 'smtp',
    outcome: error.permanent ? 'permanent' : 'retryable',
    message: error.command ? `${error.command}: ${reply}` : reply,
  };
}

/**
 * A failed send as an attempt. Messages come from the server or the library,
 * never from the smtpUrl, so no password reaches the record.
 */
function failedSend(error: unknown, startedAt: Date, throughHookServer: boolean): AttemptResult {
  const attempt = (errorKind: string, errorMessage: string) => ({
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    errorKind,
    errorMessage: errorMessage.slice(0, MAX_RECORDED_MESSAGE),
  });
  if (error instanceof PrivateAddressError) {
    return {
      outcome: 'permanent',
      attempt: attempt('private_address', `${error.message}: a hook's smtpUrl must name a public SMTP server`),
    };
  }
  const failure = error as NodemailerError;
  const judged = judgeSmtpError(failure);
  const operatorsLogin = !throughHookServer && LOGIN_FAILURES.has(failure.code ?? '');
  return { outcome: operatorsLogin ? 'retryable' : judged.outcome, attempt: attempt(judged.errorKind, judged.message) };
}

/**
 * An email per event, through the hook's own SMTP server (its smtpUrl) or the
 * worker's. On success the record keeps the server's reply ("250 OK queued as ...").
 */
export function createSender(deps: Omit<SenderDependencies, 'http'>): Sender<EmailConfig> {
  return {
    async send(context: DeliveryContext<EmailConfig>): Promise<AttemptResult> {
      const target = context.hook.target;
      const startedAt = new Date();
      const mail = rendered(() => renderMail(context, target, deps), startedAt);
      if ('failure' in mail) return mail.failure;
      const { timeoutMs } = context.hook;
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const info = target.smtpUrl
          ? await sendThroughHookServer(target.smtpUrl, mail.value, {
              allowPrivateTargets: deps.allowPrivateTargets,
              timeoutMs,
              signal,
            })
          : await deps.mailer.sendMail({ ...mail.value, signal });
        const refused = info.rejected?.length ? ` (refused: ${info.rejected.join(', ')})` : '';
        return {
          outcome: 'succeeded',
          attempt: {
            startedAt,
            durationMs: Date.now() - startedAt.getTime(),
            responseBody: `${info.response ?? ''}${refused}`.slice(0, MAX_RECORDED_MESSAGE),
          },
        };
      } catch (error) {
        return failedSend(error, startedAt, target.smtpUrl !== undefined);
      }
    },
  };
}
