import { z } from 'zod';
import { defineTarget } from '../definition';
import { targetUrl } from '../fields';

const shape = z.strictObject({
  type: z.literal('ua'),
  trackingId: z.string().regex(/^UA-\d{4,10}-\d{1,4}$/, 'must be a Universal Analytics id such as UA-12345678-1'),
  baseUrl: targetUrl.optional(),
});

export type UaConfig = z.output<typeof shape>;

/** Universal Analytics, kept running for old configurations (see sender.ts). */
export const ua = defineTarget({
  type: 'ua',
  schemaName: 'UaTarget',
  shape,
  secretFields: [],
  urlFields: ['baseUrl'],
  describe: (target) => `Universal Analytics (${target.trackingId})`,
  // UA keeps running for old configurations, to no avail.
  warnings: [
    'Google stopped processing Universal Analytics data in July 2023: hits are still sent, but no report will show them. ' +
      'Move this hook to Google Analytics 4 with {"type": "ga4", "measurementId": "G-...", "apiSecret": "..."}.',
  ],
  loadSender: () => import('./sender.js'),
});
