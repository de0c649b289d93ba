import { z } from 'zod';
import { checkTemplate } from '../core/payloads';
import { anyCase, BEYOND_SCHEMA } from '../core/schema-rules';

/** Config fields that several target types share. */

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
export const hasPort0 = (url: URL | null) => url?.port === '0';

/**
 * An absolute http(s) URL in ASCII (RFC 3986 characters; others percent-encoded), as the document's
 * pattern states it; a URL of that form that the WHATWG parser still refuses (`http://a.0`, a port over
 * 65535) or that names port 0 is a rule the pattern cannot state.
 */
export const targetUrl = z
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
