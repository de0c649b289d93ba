import { z } from 'zod';
import { liquidSource, targetUrl } from '../fields';

export const shape = z.strictObject({
  type: z.literal('telegram'),
  botToken: z.string().regex(/^\d{3,}:[\w-]{20,}$/, 'must be a bot token such as 123456:ABC-DEF...'),
  chatId: z
    .union([z.string().regex(/^(-?\d+|@\w{5,})$/, 'must be a chat id or @channelusername'), z.number().int()])
    .transform(String),
  text: liquidSource(4096).optional(),
  baseUrl: targetUrl.optional(),
});

export type TelegramConfig = z.output<typeof shape>;
