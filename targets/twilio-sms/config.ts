import { z } from 'zod';
import { liquidSource, targetUrl } from '../fields';

export const shape = z.strictObject({
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
});

export type TwilioSmsConfig = z.output<typeof shape>;
