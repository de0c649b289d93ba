import { z } from 'zod';

const profile = z.object({ url: z.url().optional(), apiKey: z.string().min(1).optional() }).strict();

/** ~/.config/hookflow/config.json: named profiles, and the one used when none is named. */
export const profileFile = z
  .object({ default: z.string().optional(), profiles: z.record(z.string(), profile) })
  .strict();

export type Profile = z.infer<typeof profile>;
export type ProfileFile = z.infer<typeof profileFile>;

export const { prettifyError } = z;
