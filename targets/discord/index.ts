import { defineTarget } from '../definition';
import { shape } from './config';

/** A Discord webhook; its URL holds the token, so it is secret (see sender.ts). */
export const discord = defineTarget({
  type: 'discord',
  schemaName: 'DiscordTarget',
  shape,
  secretFields: ['url'],
  urlFields: ['url'],
  describe: () => 'Discord webhook',
  loadSender: () => import('./sender.js'),
});
