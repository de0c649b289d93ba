import { Command } from '@commander-js/extra-typings';
import { pointInTime } from '../arguments.js';
import { readJsonObject } from '../json-input.js';
import { allOption, limitOption, pageSize, take } from '../listing.js';
import { record, table } from '../output.js';
import type { EventsCreateRequest } from '../sdk.js';
import type { Session } from '../session.js';
import { DELIVERY_COLUMNS, EVENT_COLUMNS, EVENT_FIELDS } from '../views.js';

/** `hookflow events`: what producers post, and what became of it. */
export function eventsCommand(session: Session) {
  const events = new Command('events').description('Send events and look them up');
  events
    .command('send')
    .description('Post an event; each hook that takes its type gets a delivery')
    .argument('<json>', 'the event (type, data, ...) as JSON, @file.json or - for stdin; with --type, its data only')
    .option('--type <type>', 'the event type: the JSON is then the data')
    .option('--owner <id>', 'the owner it is for (admin key)')
    .option('--id <id>', 'your id for it: the API keeps the first event of an id')
    .option('--idempotency-key <key>', 'instead of the one generated for this command (it is reused across retries)')
    .action(async (json, options) => {
      const given = await readJsonObject(json, 'The event');
      // The API validates the event and names what is wrong: the CLI only assembles it.
      const body = {
        ...(options.type === undefined ? given : { type: options.type, data: given }),
        ...(options.owner === undefined ? {} : { ownerId: options.owner }),
        ...(options.id === undefined ? {} : { id: options.id }),
      } as EventsCreateRequest;
      const event = await session.client().events.create(body, { idempotencyKey: options.idempotencyKey });
      session.show(event, () => record(event, EVENT_COLUMNS));
    });
  events
    .command('list')
    .description('List events, newest first')
    .option('--type <type>', 'only events of this type')
    .option('--owner <id>', "only this owner's (admin key)")
    .option('--since <time>', 'only events since then: an ISO time or an age like 1h', pointInTime)
    .option('--until <time>', 'only events before then: an ISO time or an age like 10m', pointInTime)
    .addOption(limitOption())
    .addOption(allOption())
    .action(async ({ type, owner, since, until, limit, all }) => {
      const pages = session.client().events.list({ type, ownerId: owner, since, until, limit: pageSize(limit, all) });
      const list = await take(pages, limit, all);
      session.show(list, () => table(list, EVENT_COLUMNS));
    });
  events
    .command('get')
    .description('Show an event and its deliveries')
    .argument('<id>', 'the event id')
    .option('--owner <id>', 'the owner that sent it, when several sent this id (admin key)')
    .action(async (id, { owner }) => {
      const event = await session.client().events.get(id, { ownerId: owner });
      session.show(event, () =>
        [record(event, EVENT_FIELDS), 'Deliveries:', table(event.deliveries, DELIVERY_COLUMNS)].join('\n'),
      );
    });
  return events;
}
