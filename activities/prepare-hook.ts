import { ApplicationFailure } from '@temporalio/activity';
import { effectiveDeliverySettings, type DeliverySettings } from '../domain/delivery-settings';
import { durationMs } from '../domain/durations';
import { templateView } from '../domain/hooks';
import type { Hook } from '../domain/models/hook';
import { UnreadableSecretError, type SecretBox } from '../domain/secret-box';
import type { AttemptResult, DeliveryEvent, PreparedHook, Target } from './targets/target';

type StoredHook = Hook & { _id: string };

/** Opens a stored hook's secrets for one send: secret header values and the signing secrets still in force. */
export function prepareHook(hook: StoredHook, secrets: SecretBox, timeout: string, now: Date): PreparedHook {
  const headers = Object.fromEntries(
    hook.target.headers.map((h) => [h.name, h.secret ? secrets.open(h.value) : h.value] as const),
  );
  return {
    id: hook._id,
    format: hook.format,
    template: templateView(hook.template),
    timeoutMs: durationMs(timeout),
    signingSecrets: hook.signingSecrets
      .filter((s) => !s.expiresAt || s.expiresAt > now)
      .map((s) => secrets.open(s.sealed)),
    target: { type: hook.target.type, url: hook.target.url, method: hook.target.method, headers },
  };
}

export interface HookSenderDependencies {
  targets: Record<string, Target>;
  secrets: SecretBox;
  /** For hooks that do not set their own delivery settings. */
  deliveryDefaults: DeliverySettings;
}

/**
 * The one way an activity hands an event to a stored hook: its target module,
 * with its secrets opened for this send only, under the hook's settings in force.
 */
export function createHookSender({ targets, secrets, deliveryDefaults }: HookSenderDependencies) {
  const settingsOf = (hook: StoredHook): DeliverySettings => effectiveDeliverySettings(deliveryDefaults, hook.delivery);
  return {
    settingsOf,
    async send(hook: StoredHook, deliveryId: string, event: DeliveryEvent, now = new Date()): Promise<AttemptResult> {
      const target = targets[hook.target.type];
      if (!target)
        throw ApplicationFailure.nonRetryable(`No target module for type ${hook.target.type}`, 'UnknownTarget');
      let prepared: PreparedHook;
      try {
        prepared = prepareHook(hook, secrets, settingsOf(hook).timeout, now);
      } catch (error) {
        // Retrying cannot help until an operator restores the key; say so on the delivery instead.
        if (!(error instanceof UnreadableSecretError)) throw error;
        return {
          outcome: 'permanent',
          attempt: { startedAt: now, durationMs: 0, errorKind: 'secret_unreadable', errorMessage: error.message },
        };
      }
      return target.send({ deliveryId, event, hook: prepared });
    },
  };
}

export type HookSender = ReturnType<typeof createHookSender>;
