import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Activities } from '../activities';
import { idOf } from '../core/ids';
import { HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW, hookSwitchAnnouncementId } from '../shared/temporal-names';
import type { announceHookSwitch } from '../workflows';
import type { HookSwitch } from '../workflows/announce-hook-switch';
import { useTimeSkippingEnvironment, withMockWorkers } from './support/workflow-environment';

/** announceHookSwitch hands an API switch of a hook to the activity that announces it, and to that one only. */
describe('announceHookSwitch workflow', () => {
  const environment = useTimeSkippingEnvironment();

  async function announce(input: HookSwitch, signal: AbortSignal) {
    const asked: unknown[] = [];
    const mocks: Pick<Activities, 'announceHookEnabled' | 'announceHookDisabled'> = {
      announceHookEnabled(args) {
        asked.push({ announceHookEnabled: args });
        return Promise.resolve();
      },
      announceHookDisabled(args) {
        asked.push({ announceHookDisabled: args });
        return Promise.resolve();
      },
    };
    await withMockWorkers(environment(), mocks, signal, (taskQueue) =>
      environment().client.workflow.execute<typeof announceHookSwitch>(HOOK_SWITCH_ANNOUNCEMENT_WORKFLOW, {
        taskQueue,
        workflowId: hookSwitchAnnouncementId(input.hookId, input.switchedTo, input.spell),
        args: [input],
      }),
    );
    return asked;
  }

  const hookId = () => idOf('hook', `hook-${randomBytes(4).toString('hex')}`);

  it('announces an enable with its spell, time and resume', async (t) => {
    const id = hookId();
    const enabledAt = '2026-12-03T10:00:00.000Z';
    assert.deepEqual(
      await announce({ hookId: id, spell: 3, switchedTo: 'enabled', enabledAt, resume: false }, t.signal),
      [{ announceHookEnabled: { hookId: id, spell: 3, enabledAt, resume: false } }],
    );
  });

  it('announces a disable with the spell it ends', async (t) => {
    const id = hookId();
    assert.deepEqual(await announce({ hookId: id, spell: 2, switchedTo: 'disabled' }, t.signal), [
      { announceHookDisabled: { hookId: id, spell: 2 } },
    ]);
  });
});
