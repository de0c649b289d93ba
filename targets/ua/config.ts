import { z } from 'zod';
import { targetUrl } from '../fields';

export const shape = z.strictObject({
  type: z.literal('ua'),
  trackingId: z.string().regex(/^UA-\d{4,10}-\d{1,4}$/, 'must be a Universal Analytics id such as UA-12345678-1'),
  baseUrl: targetUrl.optional(),
});

export type UaConfig = z.output<typeof shape>;
