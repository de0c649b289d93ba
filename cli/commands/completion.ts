import { Argument, Command } from '@commander-js/extra-typings';
import { completionScript } from '../completion.js';
import { print } from '../output.js';

/** `hookflow completion bash|zsh`: prints the shell's completion script. */
export function completionCommand() {
  return new Command('completion')
    .description('Print a shell completion script: eval "$(hookflow completion bash)" in ~/.bashrc')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh'] as const))
    .action((shell, _options, command) => {
      // The root command is the program whose commands are completed.
      print(completionScript(command.parent as Command, shell));
    });
}
