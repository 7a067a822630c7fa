// `tsmig completion bash`: a bash completion script written from the commander program itself,
// so that every command, alias, option and choice the CLI accepts is what completes.
import type { Command, Option } from 'commander';

/** Options whose value is a directory; every other option with a <value> completes file names. */
const DIRECTORY_OPTIONS = new Set(['--report-dir']);
/** Options whose value is free text (patterns, key=value): nothing to complete. */
const FREE_TEXT_OPTIONS = new Set(['--limit', '--extra-vars']);

function flagsOf(option: Option): string[] {
  return [option.short, option.long].filter((f): f is string => f !== undefined);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** bash words are joined with spaces: the names tsmig uses never need quoting, but check. */
function words(list: readonly string[]): string {
  for (const w of list) if (!/^[A-Za-z0-9._=-]+$/.test(w)) throw new Error(`completion: unexpected word ${JSON.stringify(w)}`);
  return list.join(' ');
}

export function bashCompletion(program: Command): string {
  const commands = program.commands.filter((c) => c.name() !== 'help');
  const commandNames = commands.flatMap((c) => [c.name(), ...c.aliases()]);
  const optionCases = commands.map((c) => {
    const flags = [...c.options.flatMap(flagsOf), '-h', '--help'];
    return `    ${words([c.name(), ...c.aliases()]).replaceAll(' ', '|')}) opts="${words(flags)}" ;;`;
  });
  const valueCases = new Map<string, string>();
  for (const option of commands.flatMap((c) => c.options)) {
    if (!takesValue(option)) continue;
    const pattern = flagsOf(option).join('|');
    const long = option.long ?? '';
    if (option.argChoices) valueCases.set(pattern, `COMPREPLY=($(compgen -W "${words(option.argChoices)}" -- "$cur"))`);
    else if (DIRECTORY_OPTIONS.has(long)) valueCases.set(pattern, 'COMPREPLY=($(compgen -d -- "$cur"))');
    else if (FREE_TEXT_OPTIONS.has(long)) valueCases.set(pattern, 'COMPREPLY=()');
    else valueCases.set(pattern, 'COMPREPLY=($(compgen -f -- "$cur"))');
  }
  return [
    '# bash completion for tsmig. Load it with: eval "$(tsmig completion bash)"',
    '# (zsh: autoload -U +X bashcompinit && bashcompinit first)',
    '_tsmig() {',
    '  local cur prev opts',
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    '  prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W "${words([...commandNames, '--help', '--version'])}" -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$prev" in',
    ...[...valueCases].map(([pattern, action]) => `    ${pattern}) ${action}; return ;;`),
    '  esac',
    '  case "${COMP_WORDS[1]}" in',
    ...optionCases,
    '    *) opts="" ;;',
    '  esac',
    '  if [[ "$cur" == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
    '  else',
    '    # playbooks, inventories and saved runs, and the directories that hold them',
    '    COMPREPLY=($(compgen -d -- "$cur"))',
    ...['yml', 'yaml', 'json'].map((ext) => `    COMPREPLY+=($(compgen -f -X '!*.${ext}' -- "$cur"))`),
    '  fi',
    '}',
    'complete -o filenames -F _tsmig tsmig',
    '',
  ].join('\n');
}
