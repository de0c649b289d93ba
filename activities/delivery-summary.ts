import { shorten } from '../core/shorten';
import type { Hook } from '../infra/models/hook';

/** What a summary reads of a hook: `targetHost` is stored when its target names a URL (others use their provider's API). */
export type SummarizedHook = Pick<Hook, '_id' | 'name' | 'targetHost'> & { target: { type: string } };

/** The Web UI shows a summary on one line: hook names are cut to this many characters. */
const NAME_CHARS = 60;

/**
 * A delivery workflow's summary on its Web UI page (Temporal's user
 * metadata): which event, to which hook, where: `contact.created to "CRM sync"
 * (hook_...) at crm.example.com`. The event type is absent where the starter
 * does not know it (a resumed delivery).
 */
export function deliverySummary(hook: SummarizedHook, eventType?: string): string {
  const where = hook.targetHost ?? `its ${hook.target.type} target`;
  const to = `"${shorten(hook.name, NAME_CHARS)}" (${hook._id}) at ${where}`;
  return eventType ? `${eventType} to ${to}` : `Delivery to ${to}`;
}
