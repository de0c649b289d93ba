import { ApplicationFailure } from '@temporalio/activity';
import { effectiveDeliverySettings, type DeliverySettings } from '../core/delivery-settings';
import { durationMs } from '../core/durations';
import { templateView } from '../core/hook-template';
import type { Hook } from '../infra/models/hook';
import { UnreadableSecretError, type SecretBox } from '../infra/secret-box';
import { openTarget, targetHostOf, type OpenedTarget } from '../targets/catalogue';
import type { AttemptResult, DeliveryEvent, PreparedHook } from '../targets/contract';
import { withoutSecrets } from '../targets/sending/outcome';
import type { Senders } from '../targets/senders';

type StoredHook = Hook & { _id: string };

/**
 * Opens a stored hook's secrets for one send: its target's and the one the
 * Misskey format sends in the clear (with their values, which the attempt
 * record must not show) and the signing secrets still in force.
 */
function prepareHook(hook: StoredHook, secrets: SecretBox, timeout: string, now: Date) {
  const opened = openTarget(secrets, hook.target);
  const signingSecrets = hook.signingSecrets
    .filter((s) => !s.expiresAt || s.expiresAt > now)
    .map((s) => secrets.open(s.sealed));
  const misskeySecret =
    hook.format === 'misskey' ? (hook.misskeySecret ? secrets.open(hook.misskeySecret) : signingSecrets[0]) : undefined;
  const prepared: PreparedHook<OpenedTarget> = {
    id: hook._id,
    format: hook.format ?? undefined,
    template: templateView(hook.template),
    timeoutMs: durationMs(timeout),
    signingSecrets,
    misskeySecret,
    target: opened.target,
  };
  const secretValues = misskeySecret ? [...opened.secretValues, misskeySecret] : opened.secretValues;
  return { prepared, secretValues };
}

export interface HookSenderDependencies {
  /** Each target type's sender (targets/senders.ts); a test may give only the types it uses. */
  senders: Senders;
  secrets: SecretBox;
  /** For hooks that do not set their own delivery settings. */
  deliveryDefaults: DeliverySettings;
}

/**
 * The one way an activity hands an event to a stored hook: its type's sender,
 * with its secrets opened for this send only, under the hook's settings in force.
 */
export function createHookSender({ senders, secrets, deliveryDefaults }: HookSenderDependencies) {
  const settingsOf = (hook: StoredHook): DeliverySettings => effectiveDeliverySettings(deliveryDefaults, hook.delivery);
  async function run(
    hook: StoredHook,
    deliveryId: string,
    event: DeliveryEvent,
    now: Date,
    action: 'send' | 'check',
  ): Promise<AttemptResult> {
    const target = senders.get(hook.target.type);
    if (!target)
      throw ApplicationFailure.nonRetryable(`No target module for type ${hook.target.type}`, 'UnknownTarget');
    let opened: ReturnType<typeof prepareHook>;
    try {
      opened = prepareHook(hook, secrets, settingsOf(hook).timeout, now);
    } catch (error) {
      // Retrying cannot help until an operator restores the key; say so on the delivery instead.
      if (!(error instanceof UnreadableSecretError)) throw error;
      return {
        outcome: 'permanent',
        attempt: { startedAt: now, durationMs: 0, errorKind: 'secret_unreadable', errorMessage: error.message },
      };
    }
    const context = { deliveryId, event, hook: opened.prepared };
    const result = await (action === 'check' && target.check ? target.check(context) : target.send(context));
    // Whatever a sender records, a receiver or a proxy that echoes the request back must not put the target's
    // secrets (tokens in a URL, secret headers, passwords) in the record the owner and the portal read.
    return withoutSecrets(result, opened.secretValues);
  }

  /**
   * Where the hook's requests go, for the breaker: stored with the hook since the breaker exists, read off its
   * opened target for hooks made before (opening costs a decryption per secret field).
   */
  const hostOf = (hook: StoredHook): string | undefined => {
    if (hook.targetHost) return hook.targetHost;
    try {
      return targetHostOf(openTarget(secrets, hook.target).target);
    } catch (error) {
      // An unreadable secret fails the send itself, on record; the breaker just does not count it.
      if (error instanceof UnreadableSecretError) return undefined;
      throw error;
    }
  };

  return {
    settingsOf,
    hostOf,
    send: (hook: StoredHook, deliveryId: string, event: DeliveryEvent, now = new Date()) =>
      run(hook, deliveryId, event, now, 'send'),
    /** A hook test: the provider's dry run where it has one, a real send otherwise. */
    check: (hook: StoredHook, deliveryId: string, event: DeliveryEvent) =>
      run(hook, deliveryId, event, new Date(), 'check'),
  };
}

export type HookSender = ReturnType<typeof createHookSender>;
