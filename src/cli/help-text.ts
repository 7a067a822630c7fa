// The exit codes and examples `--help` prints after each command's options (ansible-playbook's
// habit of documenting both); one table of exit codes, the subset that applies per command.
const EXIT_CODE_MEANINGS: Record<number, string> = {
  0: 'everything done (or nothing to do)',
  2: 'one or more migrations failed; the recap says where each VM runs',
  4: 'invalid input (playbook, inventory, run report, saved plan, journal) or a host unreachable',
  5: 'bad command-line options (an -e value the playbook checks refuse, an output path that cannot be written)',
  99: 'interrupted (Ctrl-C / SIGTERM); `run --resume JOURNAL` finishes the run',
};

const EXIT_CODES_BY_COMMAND: Record<string, readonly number[]> = {
  tsmig: [0, 2, 4, 5, 99],
  validate: [0, 4, 5],
  plan: [0, 4, 5, 99],
  run: [0, 2, 4, 5, 99],
  report: [0, 4, 5],
  completion: [0, 5],
};

const EXAMPLES_BY_COMMAND: Record<string, readonly string[]> = {
  tsmig: [
    'tsmig validate playbooks/demo-sim.yml',
    'tsmig plan playbooks/demo-sim.yml',
    'tsmig run playbooks/demo-sim.yml --report run.json',
    'tsmig report run.json --format html -o run.html',
  ],
  validate: ['tsmig validate playbooks/demo-sim.yml', 'tsmig validate playbooks/drain-rack.yml -i inventories/example.yml'],
  plan: [
    'tsmig plan playbooks/demo-sim.yml',
    "tsmig plan playbooks/demo-sim.yml --limit 'web-*' -e constraints.max_parallel=2",
    'tsmig plan playbooks/demo-sim.yml --json > plan.json',
    'tsmig plan playbooks/demo-sim.yml --compare plan.json',
  ],
  run: [
    'tsmig run playbooks/demo-sim.yml',
    'tsmig run playbooks/demo-sim.yml --check',
    `tsmig run playbooks/demo-sim.yml -e '{"constraints": {"max_parallel": 2}}' -e @overrides.yml`,
    'tsmig run playbooks/demo-sim.yml --report run.json --journal run.jsonl',
    'tsmig run playbooks/demo-sim.yml --resume run.jsonl',
  ],
  report: ['tsmig report run.json', 'tsmig report run.json --format html -o run.html', 'tsmig report run.json --format junit -o junit.xml'],
  completion: ['eval "$(tsmig completion bash)"'],
};

export function exitCodesHelp(command: string): string {
  const codes = EXIT_CODES_BY_COMMAND[command] ?? EXIT_CODES_BY_COMMAND.tsmig ?? [];
  return ['Exit codes:', ...codes.map((code) => `  ${String(code).padEnd(3)} ${EXIT_CODE_MEANINGS[code] ?? ''}`)].join('\n');
}

export function examplesHelp(command: string): string {
  const examples = EXAMPLES_BY_COMMAND[command] ?? [];
  return ['Examples:', ...examples.map((e) => `  ${e}`)].join('\n');
}

export function commandHelpFooter(command: string): string {
  return `\n${exitCodesHelp(command)}\n\n${examplesHelp(command)}`;
}
