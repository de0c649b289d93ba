import type { Command } from '@commander-js/extra-typings';

/** Each command's path (`hooks list`), its subcommands and its options, root first. */
function commandPaths(command: Command, path = ''): { path: string; commands: string[]; options: string[] }[] {
  const commands = command.commands.map((sub) => sub.name());
  const options = [...command.options.flatMap((option) => (option.long ? [option.long] : [])), '--help'];
  return [
    { path, commands, options },
    ...command.commands.flatMap((sub) => commandPaths(sub as Command, path ? `${path} ${sub.name()}` : sub.name())),
  ];
}

/**
 * A bash completion script for `program`, made from its commands so that it never lags behind them; zsh loads
 * the same script through bashcompinit. The words before the cursor that name a command narrow the path (an
 * option's value names none, so it is skipped); the path's subcommands and options are the candidates.
 */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const name = program.name();
  const fn = `_${name.replace(/\W/g, '_')}`;
  const paths = commandPaths(program);
  const cases = (pick: (entry: (typeof paths)[number]) => string[]) =>
    paths.map((entry) => `    '${entry.path}') echo '${pick(entry).join(' ')}' ;;`).join('\n');
  const script = `# ${name} completion (${shell}): eval "$(${name} completion ${shell})", e.g. in ~/.${shell}rc
${fn}_commands() {
  case "$1" in
${cases((entry) => entry.commands)}
  esac
}
${fn}_words() {
  case "$1" in
${cases((entry) => [...entry.commands, ...entry.options])}
  esac
}
${fn}() {
  [ -n "$ZSH_VERSION" ] && setopt local_options ksh_arrays
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case " $(${fn}_commands "$path") " in *" $word "*) path="\${path:+$path }$word" ;; esac
  done
  COMPREPLY=($(compgen -W "$(${fn}_words "$path")" -- "$cur"))
}
complete -F ${fn} ${name}
`;
  return shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script;
}
