import { Command } from '@commander-js/extra-typings';
import { collect } from '../arguments.js';
import { readJsonObject } from '../json-input.js';
import { record, table } from '../output.js';
import type { Session } from '../session.js';
import { EVENT_TYPE_COLUMNS } from '../views.js';

/** `hookflow event-types`: the catalogue of types events may have, and their data's schemas. */
export function eventTypesCommand(session: Session) {
  const eventTypes = new Command('event-types').description('List and register event types');
  eventTypes
    .command('list')
    .description("List event types: Hookflow's catalogue and the ones registered")
    .action(async () => {
      const { data } = await session.client().eventTypes.list();
      session.show(data, () => table(data, EVENT_TYPE_COLUMNS));
    });
  eventTypes
    .command('create')
    .description('Register an event type; events of it must then match its schema')
    .argument('<name>', 'its name, like order.created')
    .option('--description <text>', 'what it means')
    .option('--schema <json>', "the JSON Schema of its events' data, as JSON, @file.json or - for stdin")
    .option(
      '--resource-type <type>',
      'a resource type its events may be about (repeat, or separate with commas)',
      collect,
    )
    .action(async (name, options) => {
      const eventType = await session.client().eventTypes.create({
        name,
        description: options.description,
        schema: options.schema === undefined ? undefined : await readJsonObject(options.schema, '--schema'),
        resourceTypes: options.resourceType,
      });
      session.show(eventType, () => record(eventType, [...EVENT_TYPE_COLUMNS, ['Schema', (type) => type.schema]]));
    });
  return eventTypes;
}
