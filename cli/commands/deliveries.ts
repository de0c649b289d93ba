import { Command, Option } from '@commander-js/extra-typings';
import { pointInTime, positiveInteger } from '../arguments.js';
import { followDeliveries } from '../follow.js';
import { allOption, limitOption, pageSize, take } from '../listing.js';
import { print, record, table } from '../output.js';
import type { DeliverySummary } from '../sdk.js';
import type { Session } from '../session.js';
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, DELIVERY_FIELDS, deliveryLine } from '../views.js';

const STATUSES = ['pending', 'succeeded', 'retrying', 'failed', 'paused', 'cancelled'] as const;

/** `hookflow deliveries`: each hook's copy of each event, and its attempts. */
export function deliveriesCommand(session: Session) {
  const deliveries = new Command('deliveries').description('Look up deliveries and watch them happen');
  deliveries
    .command('list')
    .description('List deliveries, newest first; --follow streams new ones until Ctrl-C')
    .addOption(new Option('--status <status>', 'only deliveries in this state').choices(STATUSES))
    .option('--hook <id>', "only this hook's")
    .option('--event <id>', "only this event's")
    .option('--owner <id>', "only this owner's (admin key)")
    .option('--since <time>', 'only deliveries since then: an ISO time or an age like 1h', pointInTime)
    .addOption(limitOption())
    .addOption(allOption())
    .option('--follow', 'keep printing new deliveries as they are made (as JSON lines with --json)')
    .addOption(
      new Option('--interval <seconds>', 'with --follow, how often to look').argParser(positiveInteger).default(2),
    )
    .action(async (options) => {
      const query = {
        status: options.status,
        hookId: options.hook,
        eventId: options.event,
        ownerId: options.owner,
        since: options.since,
      };
      if (options.follow) {
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        // JSON lines with --json: a stream a script reads line by line, as it comes.
        const show = (delivery: DeliverySummary) =>
          print(session.json ? JSON.stringify(delivery) : deliveryLine(delivery));
        await followDeliveries(
          session.client(),
          query,
          { backlog: options.limit, intervalMs: options.interval * 1000, signal: stop.signal },
          show,
        );
        return;
      }
      const pages = session.client().deliveries.list({ ...query, limit: pageSize(options.limit, options.all) });
      const list = await take(pages, options.limit, options.all);
      session.show(list, () => table(list, DELIVERY_COLUMNS));
    });
  deliveries
    .command('get')
    .description('Show a delivery and each of its attempts')
    .argument('<id>', 'the delivery id')
    .action(async (id) => {
      const delivery = await session.client().deliveries.get(id);
      session.show(delivery, () =>
        [record(delivery, DELIVERY_FIELDS), 'Attempts:', table(delivery.attempts, ATTEMPT_COLUMNS)].join('\n'),
      );
    });
  return deliveries;
}
