import { Command } from '@commander-js/extra-typings';
import { CliError } from '../exit-codes.js';
import { readJson } from '../json-input.js';
import { cellText, json, print } from '../output.js';
import { verifyWebhook } from '../sdk.js';
import type { Session } from '../session.js';

/** `hookflow verify`: did Hookflow sign this request, with this hook's secret? No API call: the check is local. */
export function verifyCommand(session: Session) {
  return new Command('verify')
    .description("Check a saved webhook request's signature (Standard Webhooks) against a hook's secret")
    .argument('<request>', 'the request as JSON {"headers": {...}, "body": "..."}: @file.json, - for stdin, or inline')
    .option('--secret <secret>', "the hook's signing secret (whsec_...); HOOKFLOW_WEBHOOK_SECRET if not given")
    .option('--fresh', 'also refuse a request signed more than five minutes ago, as a receiver does')
    .addHelpText(
      'after',
      '\nA saved request is checked by its signature alone, at the time it says it was signed, unless --fresh.',
    )
    .action(async (argument, options) => {
      const secret = options.secret ?? process.env.HOOKFLOW_WEBHOOK_SECRET;
      if (!secret) throw new CliError('No secret: pass --secret or set HOOKFLOW_WEBHOOK_SECRET');
      // Loaded here, not at start: it brings zod, which other commands' start need not wait for.
      const { parseSavedRequest } = await import('../saved-request.js');
      const { headers, body } = parseSavedRequest(await readJson(argument, 'The request'));
      const payload = verifyWebhook(secret, headers, body, { checkTimestamp: options.fresh === true });
      if (session.json) print(json(payload));
      else {
        const signedAt = new Date(Number(headers['webhook-timestamp']) * 1000).toISOString();
        print(`Signature verified: webhook-id ${cellText(headers['webhook-id'])}, signed at ${signedAt}`);
      }
    });
}
