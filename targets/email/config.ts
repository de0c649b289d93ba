import { z } from 'zod';
import { BEYOND_SCHEMA } from '../../core/schema-rules';
import { hasPort0, liquidSource } from '../fields';

/**
 * An SMTP URL read as an http:// one, so that the WHATWG parser checks the
 * host and port as it does for the web (it leaves smtp:// hosts opaque).
 */
export function smtpUrlAsHttp(url: string): URL | undefined {
  const parsed = URL.parse(url.replace(/^smtps?:/, 'http:'));
  return parsed && !hasPort0(parsed) ? parsed : undefined;
}

export const shape = z.strictObject({
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
});

export type EmailConfig = z.output<typeof shape>;
