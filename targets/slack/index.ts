import { z } from 'zod';
import { defineTarget } from '../definition';
import { liquidSource, targetUrl } from '../fields';

const shape = z.strictObject({
  type: z.literal('slack'),
  url: targetUrl,
  text: liquidSource(4000).optional(),
  /** Liquid that renders a JSON array of Block Kit blocks. */
  blocks: liquidSource(64 * 1024).optional(),
});

export type SlackConfig = z.output<typeof shape>;

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
