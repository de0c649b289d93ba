import { z } from 'zod';
import { liquidSource, targetUrl } from '../fields';

export const shape = z.strictObject({
  type: z.literal('slack'),
  url: targetUrl,
  text: liquidSource(4000).optional(),
  /** Liquid that renders a JSON array of Block Kit blocks. */
  blocks: liquidSource(64 * 1024).optional(),
});

export type SlackConfig = z.output<typeof shape>;
