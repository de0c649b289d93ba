import { Command, Option } from '@commander-js/extra-typings';
import { collect } from '../arguments.js';
import { readJsonObject } from '../json-input.js';
import { allOption, limitOption, pageSize, take } from '../listing.js';
import { record, table } from '../output.js';
import type { HooksCreateRequest } from '../sdk.js';
import type { Session } from '../session.js';
import { ATTEMPT_COLUMNS, HOOK_COLUMNS, HOOK_FIELDS } from '../views.js';

interface HookOptions {
  name?: string;
  event?: string[];
  url?: string;
  format?: string;
  data?: string;
}

/** The options `hooks create` and `hooks update` share: the common fields, or any body with --data. */
function withHookOptions<C extends Command>(command: C) {
  return command
    .option('--name <name>', "the hook's name")
    .option('--event <pattern>', 'an event type it takes, like order.* (repeat, or separate with commas)', collect)
    .option('--url <url>', 'deliver by HTTP POST to this URL')
    .option('--format <format>', 'the payload format of an HTTP target (standard, creads, ...)')
    .option('--data <json>', 'the request body, as JSON, @file.json or - for stdin; the options above override it');
}

/** The body the options describe: --data's fields, then each option given. The API checks the whole. */
async function hookBody(options: HookOptions): Promise<Record<string, unknown>> {
  return {
    ...(options.data === undefined ? {} : await readJsonObject(options.data, '--data')),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.event === undefined ? {} : { events: options.event }),
    ...(options.url === undefined ? {} : { target: { type: 'http', url: options.url } }),
    ...(options.format === undefined ? {} : { format: options.format }),
  };
}

/** `hookflow hooks`: an owner's subscriptions. */
export function hooksCommand(session: Session) {
  const hooks = new Command('hooks').description('Create, inspect and switch hooks (where events are delivered)');
  hooks
    .command('list')
    .description('List hooks, newest first')
    .addOption(
      new Option('--status <status>', 'only enabled or disabled ones').choices(['enabled', 'disabled'] as const),
    )
    .option('--owner <id>', "only this owner's (admin key)")
    .addOption(limitOption())
    .addOption(allOption())
    .action(async ({ status, owner, limit, all }) => {
      const pages = session.client().hooks.list({ status, ownerId: owner, limit: pageSize(limit, all) });
      const list = await take(pages, limit, all);
      session.show(list, () => table(list, HOOK_COLUMNS));
    });
  withHookOptions(hooks.command('create').description('Create a hook; prints its signing secret'))
    .option('--owner <id>', 'the owner it is for (admin key)')
    .action(async (options) => {
      // The API validates the body and names what is wrong: the CLI only assembles it.
      const body = { ...(await hookBody(options)), ...(options.owner ? { ownerId: options.owner } : {}) };
      const hook = await session.client().hooks.create(body as HooksCreateRequest);
      session.show(hook, () => record(hook, [...HOOK_FIELDS, ['Secret', () => hook.secret]]));
    });
  hooks
    .command('get')
    .description('Show a hook')
    .argument('<id>', 'the hook id')
    .action(async (id) => {
      const hook = await session.client().hooks.get(id);
      session.show(hook, () => record(hook, HOOK_FIELDS));
    });
  withHookOptions(hooks.command('update').description('Change a hook: only what the options name'))
    .argument('<id>', 'the hook id')
    .action(async (id, options) => {
      const hook = await session.client().hooks.update(id, await hookBody(options));
      session.show(hook, () => record(hook, HOOK_FIELDS));
    });
  hooks
    .command('delete')
    .description('Delete a hook')
    .argument('<id>', 'the hook id')
    .action(async (id) => {
      await session.client().hooks.delete(id);
      session.show({ id, deleted: true }, () => `Deleted hook ${id}`);
    });
  hooks
    .command('enable')
    .description('Switch a hook on; what it kept while off is sent, oldest first')
    .argument('<id>', 'the hook id')
    .option('--no-resume', 'cancel what it kept while off instead of sending it')
    .action(async (id, { resume }) => {
      const hook = await session.client().hooks.enable(id, { resume });
      session.show(hook, () =>
        record(hook, [
          ...HOOK_COLUMNS,
          ['Resuming', () => hook.parked?.resuming],
          ['Cancelled', () => hook.parked?.cancelled],
        ]),
      );
    });
  hooks
    .command('disable')
    .description('Switch a hook off; events that arrive meanwhile are kept unless --no-park')
    .argument('<id>', 'the hook id')
    .option('--reason <text>', 'why, shown on the hook')
    .option('--no-park', 'drop the events that arrive while it is off')
    .action(async (id, { reason, park }) => {
      const hook = await session.client().hooks.disable(id, { reason, park });
      session.show(hook, () => record(hook, HOOK_FIELDS));
    });
  hooks
    .command('test')
    .description('Send a test event to the hook now and show what its target answered')
    .argument('<id>', 'the hook id')
    .option('--type <type>', 'the event type to send', 'hookflow.test')
    .option('--data <json>', "the event's data, as JSON, @file.json or - for stdin")
    .action(async (id, { type, data }) => {
      const body = { type, ...(data === undefined ? {} : { data: await readJsonObject(data, '--data') }) };
      const outcome = await session.client().hooks.test(id, body);
      session.show(outcome, () =>
        [`Outcome: ${outcome.outcome}`, table([outcome.attempt], ATTEMPT_COLUMNS), ...(outcome.messages ?? [])].join(
          '\n',
        ),
      );
    });
  hooks
    .command('rotate-secret')
    .description('Give a hook a new signing secret; the old ones keep signing for a while')
    .argument('<id>', 'the hook id')
    .action(async (id) => {
      const rotated = await session.client().hooks.rotateSecret(id);
      session.show(rotated, () =>
        record(rotated, [
          ['ID', () => rotated.id],
          ['Secret', () => rotated.secret],
          ['Previous secrets expire', () => rotated.previousSecretsExpireAt],
        ]),
      );
    });
  return hooks;
}
