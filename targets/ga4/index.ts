import { defineTarget } from '../definition';
import { shape } from './config';

/** Google Analytics 4 through the Measurement Protocol (see sender.ts). */
export const ga4 = defineTarget({
  type: 'ga4',
  schemaName: 'Ga4Target',
  shape,
  secretFields: ['apiSecret'],
  urlFields: ['baseUrl'],
  describe: (target) => `Google Analytics 4 (${target.measurementId})`,
  loadSender: () => import('./sender.js'),
});
