import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../activities';
import { idOf, type HookId } from '../core/ids';
import { DISABLE_HOOK_WORKFLOW, disableHookWorkflowId } from '../shared/temporal-names';
import type { disableFailingHook } from '../workflows';
import { useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

type DisablingActivities = Pick<Activities, 'disableHook' | 'emailHookDisabled' | 'announceHookDisabled'>;

/**
 * disableFailingHook on the time-skipping test server (an activity's retry
 * waits are skipped through), over mocks that keep which hooks are enabled as
 * disableHookFor does: only the call that switches a hook off answers true.
 */
describe('disableFailingHook workflow', () => {
  const environment = useTimeSkippingEnvironment();

  /** The mocks, and what they were asked in order; the first `mailFailures` mails fail as an SMTP outage would. */
  function disablingMocks({ mailFailures = 0 } = {}) {
    const disabled = new Set<string>();
    const asked: (
      | { activity: 'disableHook'; input: Parameters<DisablingActivities['disableHook']>[0] }
      | { activity: 'emailHookDisabled'; input: Parameters<DisablingActivities['emailHookDisabled']>[0] }
      | { activity: 'announceHookDisabled'; input: Parameters<DisablingActivities['announceHookDisabled']>[0] }
    )[] = [];
    let mailsToFail = mailFailures;
    const activities: DisablingActivities = {
      disableHook(input) {
        asked.push({ activity: 'disableHook', input });
        const flipped = !disabled.has(input.hookId);
        disabled.add(input.hookId);
        return Promise.resolve(flipped);
      },
      emailHookDisabled(input) {
        asked.push({ activity: 'emailHookDisabled', input });
        if (mailsToFail-- > 0) throw ApplicationFailure.retryable('SMTP server unavailable', 'MailUnavailable');
        return Promise.resolve();
      },
      announceHookDisabled(input) {
        asked.push({ activity: 'announceHookDisabled', input });
        return Promise.resolve();
      },
    };
    return { activities, asked };
  }

  /** Runs disableFailingHook for each spell given, one run after another, on workers over `activities`. */
  async function disable(
    activities: DisablingActivities,
    { hookId, reason, spells }: { hookId: HookId; reason: string; spells: number[] },
    signal: AbortSignal,
  ) {
    return withMockWorkers(environment(), activities, signal, async (taskQueue) => {
      const results: boolean[] = [];
      for (const spell of spells) {
        results.push(
          await environment().client.workflow.execute<typeof disableFailingHook>(DISABLE_HOOK_WORKFLOW, {
            taskQueue,
            workflowId: disableHookWorkflowId(hookId, spell),
            args: [{ hookId, reason, spell }],
          }),
        );
      }
      return results;
    });
  }

  const newHookId = () => idOf('hook', `hook-${randomBytes(4).toString('hex')}`);

  it('switches the hook off, then mails its owner and announces it for the spell that ended', async (t) => {
    const { activities, asked } = disablingMocks();
    const hookId = newHookId();
    const reason = '100 failures in a row over 24h';
    assert.deepEqual(await disable(activities, { hookId, reason, spells: [1] }, t.signal), [true]);
    assert.deepEqual(asked, [
      { activity: 'disableHook', input: { hookId, reason } },
      { activity: 'emailHookDisabled', input: { hookId } },
      { activity: 'announceHookDisabled', input: { hookId, spell: 1 } },
    ]);
  });

  it('run again for the same hook, finds it off and mails no one: one mail and one event however often it runs', async (t) => {
    const { activities, asked } = disablingMocks();
    const hookId = newHookId();
    assert.deepEqual(await disable(activities, { hookId, reason: 'gone (410)', spells: [1, 1, 1] }, t.signal), [
      true,
      false,
      false,
    ]);
    assert.deepEqual(
      asked.map((call) => call.activity),
      ['disableHook', 'emailHookDisabled', 'announceHookDisabled', 'disableHook', 'disableHook'],
    );
  });

  it('retries a mail that failed without switching the hook off again', async (t) => {
    const { activities, asked } = disablingMocks({ mailFailures: 2 });
    const hookId = newHookId();
    assert.deepEqual(await disable(activities, { hookId, reason: 'gone (410)', spells: [1] }, t.signal), [true]);
    assert.deepEqual(
      asked.map((call) => call.activity),
      ['disableHook', 'emailHookDisabled', 'emailHookDisabled', 'emailHookDisabled', 'announceHookDisabled'],
    );
  });
});
