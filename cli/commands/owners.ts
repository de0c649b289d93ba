import { Command } from '@commander-js/extra-typings';
import { allOption, limitOption, pageSize, take } from '../listing.js';
import { record, table } from '../output.js';
import type { Session } from '../session.js';
import { OWNER_COLUMNS } from '../views.js';

/** `hookflow owners`: the admin key's commands for the tenants that own hooks. */
export function ownersCommand(session: Session) {
  const owners = new Command('owners').description('Create and list owners (admin key)');
  owners
    .command('create')
    .description('Create an owner; prints its API key, shown this once')
    .requiredOption('--name <name>', "the owner's name")
    .requiredOption('--email <email>', 'where Hookflow writes to the owner')
    .action(async ({ name, email }) => {
      const owner = await session.client().owners.create({ name, email });
      session.show(owner, () => record(owner, [...OWNER_COLUMNS, ['API key', () => owner.apiKey]]));
    });
  owners
    .command('list')
    .description('List owners, newest first')
    .addOption(limitOption())
    .addOption(allOption())
    .action(async ({ limit, all }) => {
      const list = await take(session.client().owners.list({ limit: pageSize(limit, all) }), limit, all);
      session.show(list, () => table(list, OWNER_COLUMNS));
    });
  return owners;
}
