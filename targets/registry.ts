import { discord } from './discord';
import { email } from './email';
import { ga4 } from './ga4';
import { http } from './http';
import { slack } from './slack';
import { telegram } from './telegram';
import { twilioSms } from './twilio-sms';
import { ua } from './ua';

/**
 * Every target type, once. Adding one is a folder (targets/<type>/index.ts
 * for its config, sender.ts for its sending) and a line here; the unions,
 * the secret handling, the OpenAPI schemas and the worker's senders all
 * follow from this list (targets/catalogue.ts, targets/senders.ts).
 */
export const TARGETS = [http, ga4, ua, email, twilioSms, slack, discord, telegram] as const;
