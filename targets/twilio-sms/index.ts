import { defineTarget } from '../definition';
import { shape } from './config';

/** An SMS through Twilio's Messages API (see sender.ts). */
export const twilioSms = defineTarget({
  type: 'twilio-sms',
  schemaName: 'TwilioSmsTarget',
  shape,
  secretFields: ['authToken'],
  urlFields: ['baseUrl'],
  describe: (target) => `SMS from ${target.from} through Twilio`,
  loadSender: () => import('./sender.js'),
});
