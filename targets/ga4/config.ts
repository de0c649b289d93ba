import { z } from 'zod';
import { anyCase, maxEntries } from '../../core/schema-rules';
import { liquidSource, targetUrl } from '../fields';

/**
 * GA4 param names: a letter, then letters, digits and underscores, 40 at most; not under a prefix whose
 * params Google drops without a word (firebase_, ga_, google_), so that the owner hears it at creation.
 */
const ga4ParamName = z
  .string()
  .regex(
    new RegExp(`^(?!(?:${['firebase', 'ga', 'google'].map(anyCase).join('|')})_)[A-Za-z]\\w{0,39}$`),
    'must be a GA4 name (a letter, then letters, digits or _) outside the prefixes Google reserves (firebase_, ga_, google_)',
  );

export const shape = z.strictObject({
  type: z.literal('ga4'),
  measurementId: z.string().regex(/^G-[A-Z0-9]{4,16}$/, 'must be a GA4 measurement id such as G-ABC123XYZ'),
  apiSecret: z.string().min(1).max(256),
  baseUrl: targetUrl.optional(),
  /** Event parameters as Liquid, in place of the ones derived from the event. */
  params: maxEntries(z.record(ga4ParamName, liquidSource(1024)), 25, 'params (a GA4 limit)').optional(),
});

export type Ga4Config = z.output<typeof shape>;
