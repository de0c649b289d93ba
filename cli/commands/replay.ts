import { Command, Option } from '@commander-js/extra-typings';
import { collect, pointInTime, positiveInteger } from '../arguments.js';
import { record } from '../output.js';
import { waitForReplay } from '../replay-progress.js';
import type { Hookflow, Replay } from '../sdk.js';
import type { Session } from '../session.js';
import { REPLAY_FIELDS } from '../views.js';

const RECOVERABLE = ['succeeded', 'failed', 'paused', 'cancelled'] as const;

/** Options every replay takes: how fast, and whether to wait for it. */
function withReplayOptions<C extends Command>(command: C) {
  return command
    .addOption(new Option('--rate <n>', 'at most this many deliveries a second').argParser(positiveInteger))
    .option('--no-wait', 'print the replay as started instead of following it until it is done');
}

/** `hookflow replay`: deliver again what went wrong, and watch it go. */
export function replayCommand(session: Session) {
  const replay = new Command('replay').description('Deliver deliveries again; waits with a progress bar until done');

  /** Starts a replay with `start`, then (unless --no-wait) follows it to its end, and prints it. */
  const run = async (start: () => Promise<Replay>, wait: boolean) => {
    const started = await start();
    const ended = wait ? await waitForReplay(session.client(), started) : started;
    session.show(ended, () => record(ended, REPLAY_FIELDS));
  };

  withReplayOptions(replay.command('delivery').description('Deliver one delivery again'))
    .argument('<id>', 'the delivery id')
    .option('--enable-hook', 'switch its hook on first if it is off')
    .action((id, { enableHook, wait }) => run(() => session.client().replays.delivery(id, { enableHook }), wait));
  withReplayOptions(replay.command('event').description('Deliver one event again to its hooks'))
    .argument('<id>', 'the event id')
    .option('--hook <id>', 'only to this hook (repeat, or separate with commas)', collect)
    .option('--include-new-hooks', 'also to hooks made since that take its type')
    .option('--enable-hooks', 'switch the hooks on first if they are off')
    .option('--owner <id>', 'the owner that sent it, when several sent this id (admin key)')
    .action((id, options) => {
      const body: Parameters<Hookflow['replays']['event']>[1] = {
        hookIds: options.hook,
        includeNewHooks: options.includeNewHooks,
        enableHooks: options.enableHooks,
        ratePerSecond: options.rate,
        ownerId: options.owner,
      };
      return run(() => session.client().replays.event(id, body), options.wait);
    });
  withReplayOptions(replay.command('recover').description("Deliver again a hook's deliveries of a time span"))
    .argument('<hook-id>', 'the hook id')
    .requiredOption('--since <time>', 'from then: an ISO time or an age like 2h', pointInTime)
    .option('--until <time>', 'up to then (now if not given)', pointInTime)
    .addOption(
      new Option('--status <status...>', 'only deliveries that ended so (failed and paused if not given)').choices(
        RECOVERABLE,
      ),
    )
    .option('--enable-hook', 'switch the hook on first if it is off')
    .action((hookId, options) =>
      run(
        () =>
          session.client().replays.recover(hookId, {
            since: options.since,
            until: options.until,
            statuses: options.status,
            enableHook: options.enableHook,
            ratePerSecond: options.rate,
          }),
        options.wait,
      ),
    );
  return replay;
}
