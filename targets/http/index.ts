import { z } from 'zod';
import { UnprocessableError } from '../../core/errors';
import { anyCase, maxEntries } from '../../core/schema-rules';
import type { SecretBox } from '../../infra/secret-box';
import { defineTarget } from '../definition';
import { addLiquidProblem, liquidProblem, urlTemplate } from '../fields';
import { HTTP_METHODS, type HttpConfig } from './config';

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
 * `"value"` (Liquid over the event, rendered at each send), or `{value, secret: true}` to store it
 * encrypted, mask it in answers and send it as it is. On update, `{secret: true}` alone keeps the stored value.
 */
const headersInput = (on: 'create' | 'update') =>
  maxEntries(
    z.record(
      headerName,
      z.union([
        headerValue.superRefine((value, ctx) => addLiquidProblem(ctx, liquidProblem(value))),
        z
          .strictObject({ value: on === 'create' ? headerValue : headerValue.optional(), secret: z.boolean() })
          .superRefine((header, ctx) => {
            if (!header.secret && header.value !== undefined) {
              addLiquidProblem(ctx, liquidProblem(header.value), ['value']);
            }
          }),
      ]),
    ),
    30,
    'headers',
  );

const httpShape = (on: 'create' | 'update') =>
  z.strictObject({
    type: z.literal('http'),
    url: urlTemplate,
    method: z.enum(HTTP_METHODS).default('POST'),
    headers: headersInput(on).default({}),
  });

const updateShape = httpShape('update');
type HttpInput = z.output<typeof updateShape>;

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

function sealHeaders(
  secrets: SecretBox,
  headers: HttpInput['headers'],
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

/** A webhook: secret headers chosen one by one, sealed, and shown as `{"secret": true}`. */
export const http = defineTarget({
  type: 'http',
  schemaName: 'HttpTarget',
  shape: httpShape('create'),
  patchShape: updateShape,
  secretFields: [],
  urlFields: ['url'],
  describe: (target: StoredHttpTarget) => `${target.method} ${target.url}`,
  codec: {
    seal: (secrets, input: HttpInput, previous: StoredHttpTarget | undefined): StoredHttpTarget => ({
      ...input,
      headers: sealHeaders(secrets, input.headers, previous?.headers),
    }),
    view: (target) => ({
      type: target.type,
      url: target.url,
      method: target.method,
      headers: Object.fromEntries(
        target.headers.map((h) => [h.name, h.secret ? { secret: true as const } : h.value] as const),
      ),
    }),
    open: (secrets, target) => {
      const secretHeaders = target.headers.filter((h) => h.secret).map((h) => ({ ...h, value: secrets.open(h.value) }));
      const config: HttpConfig = {
        type: target.type,
        url: target.url,
        method: target.method,
        headers: Object.fromEntries(target.headers.filter((h) => !h.secret).map((h) => [h.name, h.value] as const)),
        secretHeaders: Object.fromEntries(secretHeaders.map((h) => [h.name, h.value] as const)),
      };
      return { target: config, secretValues: secretHeaders.map((h) => h.value) };
    },
  },
  loadSender: () => import('./sender.js'),
});
