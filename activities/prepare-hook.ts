import { durationMs } from '../domain/durations';
import { templateView } from '../domain/hooks';
import type { Hook } from '../domain/models/hook';
import type { SecretBox } from '../domain/secret-box';
import { ApplicationFailure } from '@temporalio/activity';
import type { AttemptResult, DeliveryEvent, PreparedHook, Target } from './targets/target';

/** Opens a stored hook's secrets for one send: secret header values and the signing secrets still in force. */
export function prepareHook(hook: Hook & { _id: string }, secrets: SecretBox, now: Date): PreparedHook {
  const headers = Object.fromEntries(
    hook.target.headers.map((h) => [h.name, h.secret ? secrets.open(h.value) : h.value] as const),
  );
  return {
    id: hook._id,
    format: hook.format,
    template: templateView(hook.template),
    timeoutMs: durationMs(hook.delivery.timeout),
    signingSecrets: hook.signingSecrets
      .filter((s) => !s.expiresAt || s.expiresAt > now)
      .map((s) => secrets.open(s.sealed)),
    target: { type: hook.target.type, url: hook.target.url, method: hook.target.method, headers },
  };
}

/**
 * The one way an activity hands an event to a stored hook: its target module,
 * with its secrets opened for this send only.
 */
export function createHookSender(targets: Record<string, Target>, secrets: SecretBox) {
  return (
    hook: Hook & { _id: string },
    deliveryId: string,
    event: DeliveryEvent,
    now = new Date(),
  ): Promise<AttemptResult> => {
    const target = targets[hook.target.type];
    if (!target)
      throw ApplicationFailure.nonRetryable(`No target module for type ${hook.target.type}`, 'UnknownTarget');
    return target.send({ deliveryId, event, hook: prepareHook(hook, secrets, now) });
  };
}
