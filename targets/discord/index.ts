import { z } from 'zod';
import { defineTarget } from '../definition';
import { liquidSource, targetUrl } from '../fields';

const shape = z.strictObject({ type: z.literal('discord'), url: targetUrl, content: liquidSource(2000).optional() });

export type DiscordConfig = z.output<typeof shape>;

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
