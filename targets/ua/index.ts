import { defineTarget } from '../definition';
import { shape } from './config';

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
