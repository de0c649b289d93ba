import type { Attempt } from '../../domain/models/delivery';

/** What every target type is handed for one attempt. */
export interface DeliveryContext {
  deliveryId: string;
  event: { id: string; type: string; ownerId: string; createdAt: Date; data: unknown };
  hook: { id: string; target: { type: string } & Record<string, unknown> };
}

/**
 * How an attempt ended, judged once here so that every target type speaks the
 * same language to the engine: succeeded, worth retrying, or pointless to retry.
 */
export type Outcome = 'succeeded' | 'retryable' | 'permanent';

export interface AttemptResult {
  outcome: Outcome;
  attempt: Attempt;
}

/** One module per target type implements this. */
export interface Target {
  send(context: DeliveryContext): Promise<AttemptResult>;
}
