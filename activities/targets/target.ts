import type { DispatchedContent } from '../../domain/dispatch';
import type { Attempt } from '../../domain/models/delivery';
import type { HookTemplate } from '../../domain/payloads';

/** The event as every target type renders it: as a dispatch carries it, its date a Date. */
export type DeliveryEvent = Omit<DispatchedContent, 'createdAt'> & { createdAt: Date };

/** A hook with its secrets opened, ready to send: this never leaves the activity. */
export interface PreparedHook {
  id: string;
  /** HTTP targets only. */
  format?: string;
  template?: HookTemplate;
  timeoutMs: number;
  /** The signing secrets in force, newest first. */
  signingSecrets: string[];
  target: { type: string } & Record<string, unknown>;
}

/** What every target type is handed for one attempt. */
export interface DeliveryContext {
  /**
   * The message id receivers de-duplicate on (`webhook-id`): one per event and
   * hook, the same on every retry and every replay of it.
   */
  deliveryId: string;
  event: DeliveryEvent;
  hook: PreparedHook;
}

/**
 * How an attempt ended, judged once here so that every target type speaks the
 * same language to the engine: succeeded, worth retrying, or pointless to retry.
 */
export type Outcome = 'succeeded' | 'retryable' | 'permanent';

export interface AttemptResult {
  outcome: Outcome;
  attempt: Attempt;
  /** The target asked for this much patience (Retry-After), already bounded. */
  retryAfterMs?: number;
  /** The target is gone for good (410): the hook must be disabled, with this reason. */
  disableHook?: string;
  /** What a provider's validation endpoint said about the request (hook tests through `check`). */
  messages?: string[];
}

/**
 * One module per target type implements this: it renders the event for its
 * provider, sends it, and judges the answer (see outcome.ts). The API side of
 * a type (its config shape, its secret fields) is in domain/targets.ts.
 */
export interface Target {
  send(context: DeliveryContext): Promise<AttemptResult>;
  /** What the hook test route runs where the provider has a dry-run endpoint (GA4's validation server). */
  check?(context: DeliveryContext): Promise<AttemptResult>;
}
