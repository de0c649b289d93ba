import { defineTarget } from '../definition';
import { shape } from './config';

/** A Telegram bot's messages to one chat (see sender.ts). */
export const telegram = defineTarget({
  type: 'telegram',
  schemaName: 'TelegramTarget',
  shape,
  secretFields: ['botToken'],
  urlFields: ['baseUrl'],
  describe: (target) => `Telegram chat ${target.chatId}`,
  loadSender: () => import('./sender.js'),
});
