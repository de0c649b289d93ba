import { z } from 'zod';
import { liquidSource, targetUrl } from '../fields';

export const shape = z.strictObject({
  type: z.literal('discord'),
  url: targetUrl,
  content: liquidSource(2000).optional(),
});

export type DiscordConfig = z.output<typeof shape>;
