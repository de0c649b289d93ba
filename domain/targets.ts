import { z } from 'zod';
import { hostProblem, targetProblem } from './address-guard';
import { UnprocessableError } from './errors';
import { checkTemplate } from './payloads';
import { anyCase, BEYOND_SCHEMA, maxEntries, withRules } from './schema-rules';
import type { SecretBox } from './secret-box';

/**
 * Where a hook's deliveries go: an HTTP endpoint, Google Analytics, or a
 * transactional channel. This module is the API's side of a target type (the
 * shape it accepts, which fields are secret); activities/targets/ holds the
 * side that sends.
 */

export const HTTP_METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export const TARGET_TYPES = ['http', 'ga4', 'ua', 'email', 'twilio-sms', 'slack', 'discord', 'telegram'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

/** Liquid over the event (`{{ event.type }}`, `{{ event.data.name }}`), parsed now so that a broken one is refused at once. */
export const liquidSource = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((source, ctx) => {
      const problem = checkTemplate(source);
      if (!problem) return;
      const message = `not a valid Liquid template: ${problem.message}`;
      // A file tag is refused as the issue asks, with a 400 naming it; Liquid that does not parse is a rule the
      // document cannot state (a 422).
      ctx.addIssue({ code: 'custom', message, ...(problem.fileTag ? {} : { params: BEYOND_SCHEMA }) });
    });

/** Port 0 parses as a URL but cannot be dialled. */
const hasPort0 = (url: URL | null) => url?.port === '0';

/**
 * An absolute http(s) URL in ASCII (RFC 3986 characters; others percent-encoded), as the document's
 * pattern states it; a URL of that form that the WHATWG parser still refuses (`http://a.0`, a port over
 * 65535) or that names port 0 is a rule the pattern cannot state.
 */
const targetUrl = z
  .string()
  .max(2048)
  .regex(
    new RegExp(`^${anyCase('http')}[Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@\\[\\]-]+(?:[/?#][!-~]*)?$`),
    'must be an absolute http:// or https:// URL (other characters than ASCII percent-encoded)',
  )
  .superRefine((url, ctx) => {
    const parsed = URL.parse(url);
    if (!parsed || hasPort0(parsed))
      ctx.addIssue({
        code: 'custom',
        message: 'must be a URL with a valid host and a port from 1 to 65535',
        params: BEYOND_SCHEMA,
      });
  });

/**
 * An SMTP URL read as an http:// one, so that the WHATWG parser checks the
 * host and port as it does for the web (it leaves smtp:// hosts opaque).
 */
function smtpUrlAsHttp(url: string): URL | undefined {
  const parsed = URL.parse(url.replace(/^smtps?:/, 'http:'));
  return parsed && !hasPort0(parsed) ? parsed : undefined;
}

/** Headers Hookflow sets itself; a hook may not override them. */
const RESERVED_HEADERS = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];

/** HTTP token characters (RFC 9110), so that a header name cannot smuggle a line break; not one Hookflow sets. */
const headerName = z
  .string()
  .regex(
    new RegExp(`^(?!(?:${RESERVED_HEADERS.map(anyCase).join('|')})$)[!#$%&'*+.^_\`|~0-9A-Za-z-]{1,256}$`),
    `must be a valid HTTP header name, and not one Hookflow sets (${RESERVED_HEADERS.join(', ')})`,
  );

const headerValue = z
  .string()
  .max(4096)
  .regex(/^[^\r\n\x00]*$/, 'must not contain line breaks');

/**
 * `"value"`, or `{value, secret: true}` to store it encrypted and mask it in answers. On update,
 * `{secret: true}` alone keeps the stored value.
 */
const headersInput = (on: 'create' | 'update') =>
  maxEntries(
    z.record(
      headerName,
      z.union([
        headerValue,
        z.strictObject({ value: on === 'create' ? headerValue : headerValue.optional(), secret: z.boolean() }),
      ]),
    ),
    30,
    'headers',
  );

/**
 * GA4 param names: a letter, then letters, digits and underscores, 40 at most; not under a prefix whose
 * params Google drops without a word (firebase_, ga_, google_), so that the owner hears it at creation.
 */
const ga4ParamName = z
  .string()
  .regex(
    new RegExp(`^(?!(?:${['firebase', 'ga', 'google'].map(anyCase).join('|')})_)[A-Za-z]\\w{0,39}$`),
    'must be a GA4 name (a letter, then letters, digits or _) outside the prefixes Google reserves (firebase_, ga_, google_)',
  );

const httpTarget = (on: 'create' | 'update') =>
  z.strictObject({
    type: z.literal('http'),
    url: targetUrl,
    method: z.enum(HTTP_METHODS).default('POST'),
    headers: headersInput(on).default({}),
  });

const targetShapes = {
  http: httpTarget('create'),
  ga4: z.strictObject({
    type: z.literal('ga4'),
    measurementId: z.string().regex(/^G-[A-Z0-9]{4,16}$/, 'must be a GA4 measurement id such as G-ABC123XYZ'),
    apiSecret: z.string().min(1).max(256),
    baseUrl: targetUrl.optional(),
    /** Event parameters as Liquid, in place of the ones derived from the event. */
    params: maxEntries(z.record(ga4ParamName, liquidSource(1024)), 25, 'params (a GA4 limit)').optional(),
  }),
  ua: z.strictObject({
    type: z.literal('ua'),
    trackingId: z.string().regex(/^UA-\d{4,10}-\d{1,4}$/, 'must be a Universal Analytics id such as UA-12345678-1'),
    baseUrl: targetUrl.optional(),
  }),
  email: z.strictObject({
    type: z.literal('email'),
    to: liquidSource(2048),
    subject: liquidSource(1024).optional(),
    text: liquidSource(64 * 1024).optional(),
    html: liquidSource(64 * 1024).optional(),
    from: z.string().min(3).max(320).optional(),
    /** An SMTP server of the hook's own; SMTP_URL otherwise. No query options: they could steer the connection. */
    smtpUrl: z
      .string()
      .max(2048)
      .regex(/^smtps?:\/\/[!"$-\/0-9:->@-~]+$/, 'must be an smtp:// or smtps:// URL, without query options')
      .superRefine((url, ctx) => {
        if (smtpUrlAsHttp(url) === undefined)
          ctx.addIssue({
            code: 'custom',
            message: 'must be a URL with a valid host and a port from 1 to 65535',
            params: BEYOND_SCHEMA,
          });
      })
      .optional(),
  }),
  'twilio-sms': z.strictObject({
    type: z.literal('twilio-sms'),
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC and 32 hex digits)'),
    authToken: z.string().min(1).max(256),
    from: z
      .string()
      .regex(
        /^(\+[1-9]\d{1,14}|MG[0-9a-fA-F]{32}|(?=[^A-Za-z]*[A-Za-z])[A-Za-z0-9 ]{1,11})$/,
        'must be an E.164 number, a messaging service SID (MG...) or an alphanumeric sender id (with a letter)',
      ),
    to: liquidSource(256),
    body: liquidSource(1600).optional(),
    baseUrl: targetUrl.optional(),
  }),
  slack: z.strictObject({
    type: z.literal('slack'),
    url: targetUrl,
    text: liquidSource(4000).optional(),
    /** Liquid that renders a JSON array of Block Kit blocks. */
    blocks: liquidSource(64 * 1024).optional(),
  }),
  discord: z.strictObject({ type: z.literal('discord'), url: targetUrl, content: liquidSource(2000).optional() }),
  telegram: z.strictObject({
    type: z.literal('telegram'),
    botToken: z.string().regex(/^\d{3,}:[\w-]{20,}$/, 'must be a bot token such as 123456:ABC-DEF...'),
    chatId: z
      .union([z.string().regex(/^(-?\d+|@\w{5,})$/, 'must be a chat id or @channelusername'), z.number().int()])
      .transform(String),
    text: liquidSource(4096).optional(),
    baseUrl: targetUrl.optional(),
  }),
} satisfies Record<TargetType, z.ZodType>;

/** Encrypted at rest and shown as `{"secret": true}`; HTTP headers choose one by one. */
export const SECRET_FIELDS: Record<TargetType, readonly string[]> = {
  http: [],
  ga4: ['apiSecret'],
  ua: [],
  email: ['smtpUrl'],
  'twilio-sms': ['authToken'],
  slack: ['url'],
  discord: ['url'],
  telegram: ['botToken'],
};

/** Fields holding an address Hookflow will call, for the private-address guard. */
const URL_FIELDS = ['url', 'baseUrl'] as const;

/** The operator's server would send under any address a hook names: spoofing. A hook's own server may. */
const FROM_NEEDS_SMTP_URL = {
  schema: { dependentRequired: { from: ['smtpUrl'] } },
  message: "give it with smtpUrl; mail through the operator's server comes from HOOKFLOW_EMAIL_FROM",
  path: ['from'],
};

// Named, so that the OpenAPI document shows each type as a schema of its own, the union switching on `type`.
export const targetInput = z.discriminatedUnion('type', [
  targetShapes.http.meta({ id: 'HttpTarget' }),
  targetShapes.ga4.meta({ id: 'Ga4Target' }),
  targetShapes.ua.meta({ id: 'UaTarget' }),
  withRules(targetShapes.email, [FROM_NEEDS_SMTP_URL]).meta({ id: 'EmailTarget' }),
  targetShapes['twilio-sms'].meta({ id: 'TwilioSmsTarget' }),
  targetShapes.slack.meta({ id: 'SlackTarget' }),
  targetShapes.discord.meta({ id: 'DiscordTarget' }),
  targetShapes.telegram.meta({ id: 'TelegramTarget' }),
]);

/**
 * On update, a secret field (SECRET_FIELDS) or a secret header's value may be left out to keep the stored
 * one; an email target's `from` may rely on the stored smtpUrl (sealTarget checks).
 */
export const targetPatchInput = z.discriminatedUnion('type', [
  httpTarget('update').meta({ id: 'HttpTargetPatch' }),
  targetShapes.ga4.partial({ apiSecret: true }).meta({ id: 'Ga4TargetPatch' }),
  targetShapes.ua.meta({ id: 'UaTarget' }),
  targetShapes.email.meta({ id: 'EmailTargetPatch' }),
  targetShapes['twilio-sms'].partial({ authToken: true }).meta({ id: 'TwilioSmsTargetPatch' }),
  targetShapes.slack.partial({ url: true }).meta({ id: 'SlackTargetPatch' }),
  targetShapes.discord.partial({ url: true }).meta({ id: 'DiscordTargetPatch' }),
  targetShapes.telegram.partial({ botToken: true }).meta({ id: 'TelegramTargetPatch' }),
]);

export type TargetInput =
  z.infer<typeof targetShapes.http> | z.infer<(typeof targetShapes)[Exclude<TargetType, 'http'>]>;

export interface StoredHeader {
  name: string;
  value: string;
  secret: boolean;
}

export interface StoredHttpTarget {
  type: 'http';
  url: string;
  method: (typeof HTTP_METHODS)[number];
  /** A list, not an object: header names may hold dots. */
  headers: StoredHeader[];
}

/** Any other target type: its fields as given, the secret ones sealed. */
export type StoredOtherTarget = { type: Exclude<TargetType, 'http'> } & Record<string, unknown>;
export type StoredTarget = StoredHttpTarget | StoredOtherTarget;

type HeaderInput = z.infer<ReturnType<typeof headersInput>>[string];

function sealHeaders(
  secrets: SecretBox,
  headers: Record<string, HeaderInput>,
  previous: readonly StoredHeader[] = [],
): StoredHeader[] {
  return Object.entries(headers).map(([name, input]) => {
    if (typeof input === 'string') return { name, value: input, secret: false };
    if (input.value !== undefined) {
      return { name, value: input.secret ? secrets.seal(input.value) : input.value, secret: input.secret };
    }
    const kept = previous.find((h) => h.name === name && h.secret);
    if (!input.secret || !kept) {
      throw new UnprocessableError(`target.headers.${name}: give a value (only a stored secret header may omit it)`);
    }
    return kept;
  });
}

/**
 * The target as stored: secret fields and secret headers sealed. A patch may
 * leave secrets out; they are then taken, still sealed, from `previous`.
 */
export function sealTarget(secrets: SecretBox, input: Record<string, unknown>, previous?: StoredTarget): StoredTarget {
  const type = input.type as TargetType;
  if (type === 'http') {
    const http = input as z.infer<typeof targetShapes.http>;
    const previousHeaders = previous?.type === 'http' ? previous.headers : [];
    return { ...http, headers: sealHeaders(secrets, http.headers, previousHeaders) };
  }
  const kept = previous?.type === type ? previous : undefined;
  const stored: Record<string, unknown> = { ...input };
  for (const field of SECRET_FIELDS[type]) {
    const value = input[field];
    if (typeof value === 'string') stored[field] = secrets.seal(value);
    else if (typeof kept?.[field] === 'string') stored[field] = kept[field];
    else if (isRequired(type, field)) {
      throw new UnprocessableError(`target.${field}: give a value (only a stored secret may be left out)`);
    }
  }
  if (type === 'email' && stored.from !== undefined && stored.smtpUrl === undefined) {
    // A patch may leave out a stored smtpUrl; when none is stored, from is refused as on creation.
    throw new UnprocessableError(`target.from: ${FROM_NEEDS_SMTP_URL.message}`);
  }
  return stored as StoredTarget;
}

function isRequired(type: TargetType, field: string): boolean {
  const shape = targetShapes[type].shape as Record<string, z.ZodType | undefined>;
  return shape[field]?.safeParse(undefined).success === false;
}

/** What owners see: secret fields and secret headers as `{"secret": true}`. */
export function targetView(target: StoredTarget): Record<string, unknown> {
  if (target.type === 'http') {
    return {
      type: target.type,
      url: target.url,
      method: target.method,
      headers: Object.fromEntries(
        target.headers.map((h) => [h.name, h.secret ? { secret: true as const } : h.value] as const),
      ),
    };
  }
  const view: Record<string, unknown> = { ...target };
  for (const field of SECRET_FIELDS[target.type]) if (field in view) view[field] = { secret: true };
  return view;
}

/** The target with its secrets opened, for one send inside an activity; it never leaves there. */
export function openTarget(secrets: SecretBox, target: StoredTarget): { type: TargetType } & Record<string, unknown> {
  if (target.type === 'http') {
    const headers = Object.fromEntries(
      target.headers.map((h) => [h.name, h.secret ? secrets.open(h.value) : h.value] as const),
    );
    return { type: target.type, url: target.url, method: target.method, headers };
  }
  const opened: Record<string, unknown> = { ...target };
  for (const field of SECRET_FIELDS[target.type]) {
    const sealed = target[field];
    if (typeof sealed === 'string') opened[field] = secrets.open(sealed);
  }
  return opened as { type: TargetType } & Record<string, unknown>;
}

/** What an owner should know about a target that still works: UA keeps running for old configurations, to no avail. */
export function targetWarnings(target: StoredTarget): string[] | undefined {
  if (target.type !== 'ua') return undefined;
  return [
    'Google stopped processing Universal Analytics data in July 2023: hits are still sent, but no report will show them. ' +
      'Move this hook to Google Analytics 4 with {"type": "ga4", "measurementId": "G-...", "apiSecret": "..."}.',
  ];
}

/** The target in a few words for people (the owner's mail, say), secrets left out. */
export function describeTarget(target: StoredTarget): string {
  switch (target.type) {
    case 'http':
      return `${target.method} ${target.url}`;
    case 'ga4':
      return `Google Analytics 4 (${String(target.measurementId)})`;
    case 'ua':
      return `Universal Analytics (${String(target.trackingId)})`;
    case 'email':
      return `email to ${String(target.to)}`;
    case 'twilio-sms':
      return `SMS from ${String(target.from)} through Twilio`;
    case 'telegram':
      return `Telegram chat ${String(target.chatId)}`;
    default:
      return `${target.type[0]?.toUpperCase()}${target.type.slice(1)} webhook`;
  }
}

/**
 * Refuses, at creation, addresses the delivery-time guard would refuse anyway,
 * so that the owner hears it now.
 */
export function assertPublicTarget(input: Record<string, unknown>): void {
  for (const field of URL_FIELDS) {
    const url = input[field];
    if (typeof url !== 'string') continue;
    const problem = targetProblem(url);
    if (problem) throw new UnprocessableError(`target.${field}: ${problem}; hooks must target public hosts`);
  }
  if (typeof input.smtpUrl === 'string') {
    // Read as http:// so that the URL parser normalises the host as it does for the web (0x7f.1 is 127.0.0.1);
    // SMTP's own ports (25, 465, 587) are fine here. The shape was checked, so it parses.
    const problem = hostProblem((smtpUrlAsHttp(input.smtpUrl) as URL).hostname);
    if (problem) throw new UnprocessableError(`target.smtpUrl: ${problem}; hooks must target public hosts`);
  }
}
