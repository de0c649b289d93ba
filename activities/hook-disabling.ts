import { log } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import { disableHookFor } from '../records/hook-switch';
import type { HookId } from '../core/ids';
import type { Models } from '../infra/models';
import type { WorkerMetrics } from '../infra/metrics/worker-metrics';
import { describeTarget } from '../targets/catalogue';
import { describeAttempt } from './retry-plan';
import { latestAttempts } from './recent-failures';

export interface HookDisablingDependencies {
  models: Models;
  mailer: Transporter;
  emailFrom: string;
  publicUrl: string;
  metrics: Pick<WorkerMetrics, 'hooksDisabled'>;
}

/** How many recent failures the owner's mail quotes. */
const RECENT_FAILURES = 5;

export function createHookDisablingActivities({
  models,
  mailer,
  emailFrom,
  publicUrl,
  metrics,
}: HookDisablingDependencies) {
  return {
    /**
     * Switches the hook off (parking: the events that arrive meanwhile are
     * kept) and parks its retrying deliveries as `paused`.
     * Answers whether this call did it, so that only one caller tells the owner.
     */
    async disableHook(input: { hookId: HookId; reason: string }): Promise<boolean> {
      const flipped = await disableHookFor(models, input.hookId, input.reason);
      const parked = await models.Delivery.updateMany(
        { hookId: input.hookId, status: 'retrying' },
        { $set: { status: 'paused', failureReason: `Hook disabled: ${input.reason}` }, $unset: { nextAttemptAt: 1 } },
      );
      if (flipped) {
        metrics.hooksDisabled.inc();
        log.warn('Hook disabled', {
          hookId: input.hookId,
          reason: input.reason,
          pausedDeliveries: parked.modifiedCount,
        });
      }
      return flipped;
    },

    /** Tells the owner which hook, since when, the last errors, and how to turn it back on. */
    async emailHookDisabled(input: { hookId: HookId }): Promise<void> {
      const hook = await models.Hook.findById(input.hookId).lean();
      if (!hook) return;
      const owner = await models.Owner.findById(hook.ownerId).lean();
      if (!owner) return;
      const errors = (await latestAttempts(models, hook._id, RECENT_FAILURES)).map(
        (attempt) => `  - ${attempt.startedAt.toISOString()}  ${describeAttempt(attempt)}`,
      );
      const sent = await mailer.sendMail({
        from: emailFrom,
        to: owner.email,
        subject: `Hookflow disabled your hook "${hook.name}"`,
        text: [
          `Hello ${owner.name},`,
          '',
          `Hookflow has stopped delivering to your hook "${hook.name}" (${hook._id}, ${describeTarget(hook.target)}).`,
          '',
          `Why: ${hook.disabledReason ?? 'it kept failing'}`,
          `Failing since: ${hook.failingSince?.toISOString() ?? 'unknown'}`,
          `Disabled at: ${hook.disabledAt?.toISOString() ?? new Date().toISOString()}`,
          '',
          'Latest errors:',
          ...(errors.length > 0 ? errors : ['  (none recorded)']),
          '',
          'Deliveries that were waiting for a retry are kept, paused, not dropped.',
          ...(hook.status === 'parking'
            ? ['New events are being kept too: each gets its delivery, paused, until the hook is back.']
            : []),
          'Once the endpoint works again, enable the hook and they resume, oldest first:',
          '',
          `  curl -X POST -H "Authorization: Bearer <your API key>" ${publicUrl}/v1/hooks/${hook._id}/enable`,
          '',
          '— Hookflow',
        ].join('\n'),
      });
      log.info('Owner mailed: hook disabled', { hookId: hook._id, ownerId: owner._id, messageId: sent.messageId });
    },
  };
}
