import type { Transporter } from 'nodemailer';
import type { HttpClient } from '../activities/http/client';
import type { DispatchedContent } from '../shared/dispatch';
import type { Attempt } from '../infra/models/delivery';

/**
 * What a target type's sender (targets/<type>/sender.ts, the worker's half)
 * is given and answers. Types only: the API may import this file.
 */

/** The event as every target type renders it: as a dispatch carries it, its date a Date. */
export type DeliveryEvent = Omit<DispatchedContent, 'createdAt'> & { createdAt: Date };

/** How an HTTP hook with the `template` format renders its body. */
export interface HookTemplate {
  contentType: string;
  /** Liquid for the whole body (JSON or text). */
  body?: string;
  /** Liquid per field, for application/x-www-form-urlencoded. */
  fields?: Record<string, string>;
}

/** A hook with its secrets opened, ready to send: this never leaves the activity. */
export interface PreparedHook<Config = unknown> {
  id: string;
  /** HTTP targets only. */
  format?: string;
  template?: HookTemplate;
  timeoutMs: number;
  /** The signing secrets in force, newest first. */
  signingSecrets: string[];
  /** Misskey format only: what X-Misskey-Hook-Secret carries, the hook's own secret or else its newest signing secret. */
  misskeySecret?: string;
  /** The hook's target as its type's `open` gives it: secrets in the clear. */
  target: Config;
}

/** What every target type is handed for one attempt. */
export interface DeliveryContext<Config = unknown> {
  /**
   * The message id receivers de-duplicate on (`webhook-id`): one per event and
   * hook, the same on every retry and every replay of it.
   */
  deliveryId: string;
  event: DeliveryEvent;
  hook: PreparedHook<Config>;
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
 * A target type's sender: it renders the event for its provider, sends it,
 * and judges the answer (see sending/outcome.ts).
 */
export interface Sender<Config = unknown> {
  send(context: DeliveryContext<Config>): Promise<AttemptResult>;
  /** What the hook test route runs where the provider has a dry-run endpoint (GA4's validation server). */
  check?(context: DeliveryContext<Config>): Promise<AttemptResult>;
}

/** What the worker hands every sender factory; each takes what it needs. */
export interface SenderDependencies {
  http: HttpClient;
  /** The worker's SMTP transport (SMTP_URL), for email hooks without a server of their own. */
  mailer: Transporter;
  emailFrom: string;
  publicUrl: string;
  /** Lets targets reach loopback and private hosts (local development and tests). */
  allowPrivateTargets: boolean;
}

/** What each targets/<type>/sender.ts exports. */
export type SenderModule<Config> = { createSender(deps: SenderDependencies): Sender<Config> };
