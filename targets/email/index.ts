import { hostProblem } from '../../core/address-guard';
import { defineTarget } from '../definition';
import { shape, smtpUrlAsHttp } from './config';

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
