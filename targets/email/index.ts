import { z } from 'zod';
import { hostProblem } from '../../domain/address-guard';
import { BEYOND_SCHEMA } from '../../domain/schema-rules';
import { defineTarget } from '../definition';
import { hasPort0, liquidSource } from '../fields';

/**
 * An SMTP URL read as an http:// one, so that the WHATWG parser checks the
 * host and port as it does for the web (it leaves smtp:// hosts opaque).
 */
function smtpUrlAsHttp(url: string): URL | undefined {
  const parsed = URL.parse(url.replace(/^smtps?:/, 'http:'));
  return parsed && !hasPort0(parsed) ? parsed : undefined;
}

const shape = z.strictObject({
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

/** The operator's server would send under any address a hook names: spoofing. A hook's own server may. */
const FROM_NEEDS_SMTP_URL = {
  schema: { dependentRequired: { from: ['smtpUrl'] } },
  message: "give it with smtpUrl; mail through the operator's server comes from HOOKFLOW_EMAIL_FROM",
  path: ['from'],
};

/** An email per event, through the hook's own SMTP server or the worker's (see sender.ts). */
export const email = defineTarget({
  type: 'email',
  schemaName: 'EmailTarget',
  shape,
  rules: [FROM_NEEDS_SMTP_URL],
  secretFields: ['smtpUrl'],
  urlFields: [],
  otherAddressProblem(input) {
    if (input.smtpUrl === undefined) return undefined;
    // Read as http:// so that the URL parser normalises the host as it does for the web (0x7f.1 is 127.0.0.1);
    // SMTP's own ports (25, 465, 587) are fine here. The shape was checked, so it parses.
    const problem = hostProblem((smtpUrlAsHttp(input.smtpUrl) as URL).hostname);
    return problem ? { field: 'smtpUrl', problem } : undefined;
  },
  // A patch may leave out a stored smtpUrl; when none is stored, from is refused as on creation.
  storedProblem: (target) =>
    target.from !== undefined && target.smtpUrl === undefined
      ? `target.from: ${FROM_NEEDS_SMTP_URL.message}`
      : undefined,
  describe: (target) => `email to ${target.to}`,
  loadSender: () => import('./sender.js'),
});
