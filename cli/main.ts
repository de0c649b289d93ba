import { Command } from '@commander-js/extra-typings';
import { completionCommand } from './commands/completion.js';
import { deliveriesCommand } from './commands/deliveries.js';
import { eventTypesCommand } from './commands/event-types.js';
import { eventsCommand } from './commands/events.js';
import { hooksCommand } from './commands/hooks.js';
import { ownersCommand } from './commands/owners.js';
import { replayCommand } from './commands/replay.js';
import { verifyCommand } from './commands/verify.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { describeFailure } from './failure.js';
import { createSession } from './session.js';

/** Every command, and on each one what commander does on bad usage: throw, for main to exit 2. */
function buildProgram(): Command {
  const program = new Command('hookflow')
    .description('Hookflow from the command line: hooks, events, deliveries and replays, through the API')
    .option('--json', 'print what the API answered as JSON, for scripts, instead of tables')
    .option('--profile <name>', 'use this profile of ~/.config/hookflow/config.json')
    .option('--api-url <url>', "the API's address, instead of HOOKFLOW_URL's or the profile's");
  const session = createSession(() => program.opts(), process.env);
  program.hook('preAction', () => session.connect());
  for (const command of [
    ownersCommand(session),
    hooksCommand(session),
    eventsCommand(session),
    deliveriesCommand(session),
    replayCommand(session),
    eventTypesCommand(session),
    verifyCommand(session),
    completionCommand(),
  ]) {
    program.addCommand(command as Command);
  }
  const everyCommand = (command: Command): Command[] => [
    command,
    ...command.commands.flatMap((sub) => everyCommand(sub as Command)),
  ];
  // Commands added with addCommand() do not inherit these settings: each gets them.
  for (const command of everyCommand(program)) command.exitOverride().showHelpAfterError('(see --help)');
  return program;
}

async function main(argv: string[]): Promise<ExitCode> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    const { message, exitCode } = describeFailure(error);
    if (message) process.stderr.write(`hookflow: ${message}\n`);
    return exitCode;
  }
}

// exitCode rather than exit(): what is still being written to a pipe gets written.
process.exitCode = await main(process.argv);
