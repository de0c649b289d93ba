import { z } from 'zod';
import { CliError } from './exit-codes.js';

/** A saved request: its headers (names as sent; a value or a list of them) and its body, exactly as received. */
const savedRequest = z.object({
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  body: z.string(),
});

/** The request `hookflow verify` checks, from its JSON; header names lowercased, as they are case-insensitive. */
export function parseSavedRequest(json: unknown): { headers: Record<string, string | string[]>; body: string } {
  const parsed = savedRequest.safeParse(json);
  if (!parsed.success) throw new CliError(`The request is not {headers, body}: ${z.prettifyError(parsed.error)}`);
  const headers = Object.fromEntries(
    Object.entries(parsed.data.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { headers, body: parsed.data.body };
}
