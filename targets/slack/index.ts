import { defineTarget } from '../definition';
import { shape } from './config';

/** A Slack incoming webhook; its URL holds the token, so it is secret (see sender.ts). */
export const slack = defineTarget({
  type: 'slack',
  schemaName: 'SlackTarget',
  shape,
  secretFields: ['url'],
  urlFields: ['url'],
  describe: () => 'Slack webhook',
  loadSender: () => import('./sender.js'),
});
