import { z } from 'zod';
import { urlTemplateProblem } from '../core/http-templates';
import { checkTemplate } from '../core/payloads';
import { anyCase, BEYOND_SCHEMA } from '../core/schema-rules';

/** Config fields that several target types share. */

/** Why Liquid cannot be used, worded for the owner; `fileTag` when it names a tag that reads files. */
type LiquidProblem = { message: string; fileTag: boolean } | undefined;

/**
 * Refuses Liquid that cannot be used: a file tag with a 400 naming it, as the issue asks; Liquid that does
 * not parse is a rule the document cannot state (a 422).
 */
export function addLiquidProblem(ctx: z.RefinementCtx, problem: LiquidProblem, path: string[] = []): void {
  if (!problem) return;
  ctx.addIssue({
    code: 'custom',
    message: problem.message,
    path,
    ...(problem.fileTag ? {} : { params: BEYOND_SCHEMA }),
  });
}

/** Liquid over the event, parsed now so that a broken one is refused at once. */
export function liquidProblem(source: string): LiquidProblem {
  const problem = checkTemplate(source);
  return problem && { ...problem, message: `not a valid Liquid template: ${problem.message}` };
}

/** Liquid over the event (`{{ event.type }}`, `{{ event.data.name }}`), parsed now so that a broken one is refused at once. */
export const liquidSource = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((source, ctx) => addLiquidProblem(ctx, liquidProblem(source)));

/** Port 0 parses as a URL but cannot be dialled. */
export const hasPort0 = (url: URL | null) => url?.port === '0';

/**
 * An absolute http(s) URL in ASCII (RFC 3986 characters; others percent-encoded), as the document's
 * pattern states it, `rest` being what may follow the host; a URL of that form that the WHATWG parser
 * still refuses (`http://a.0`, a port over 65535) or that names port 0 is a rule the pattern cannot state.
 */
const httpUrl = (rest: string, message: string) =>
  z
    .string()
    .max(2048)
    .regex(new RegExp(`^${anyCase('http')}[Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@\\[\\]-]+(?:[/?#]${rest})?$`), message)
    .superRefine((url, ctx) => {
      const parsed = URL.parse(url);
      if (!parsed || hasPort0(parsed))
        ctx.addIssue({
          code: 'custom',
          message: 'must be a URL with a valid host and a port from 1 to 65535',
          params: BEYOND_SCHEMA,
        });
    });

export const targetUrl = httpUrl(
  '[!-~]*',
  'must be an absolute http:// or https:// URL (other characters than ASCII percent-encoded)',
);

/**
 * An HTTP hook's URL: Liquid may follow the host (core/http-templates.ts), with spaces inside its tags;
 * the scheme, host and port stay literal.
 */
export const urlTemplate = httpUrl(
  '[ -~]*',
  'must be an absolute http:// or https:// URL (other characters than ASCII percent-encoded; Liquid only after the host)',
).superRefine((url, ctx) => addLiquidProblem(ctx, urlTemplateProblem(url)));
