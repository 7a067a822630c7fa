// tsmig's command line: Ansible's habits, meaningful exit codes, one clear message per error.
import { Argument, Command, CommanderError, Option } from 'commander';
import { ExitCode, TsmigError } from '../errors.ts';
import { TSMIG_VERSION } from '../version.ts';
import type { RunCommandOptions } from './run-command.ts';
import { REPORT_FORMATS, type ReportFormat } from '../playbook/types.ts';
import { commandHelpFooter } from './help-text.ts';
import { showControlChars } from '../report/show-control-chars.ts';

// Each command's module (and with it ajv, ssh2, listr2, the planner) is imported when that
// command runs, so `--version` and `--help` load only commander.

const STRATEGIES = ['traffic-sensitive', 'pre-copy', 'post-copy'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <file>', 'inventory file (replaces the playbook inventory)')
    .option('-e, --extra-vars <key=value>', 'override a playbook key, e.g. -e constraints.max_parallel=2 (repeatable)', collect, [])
    .option('-l, --limit <patterns>', "only VMs or hosts matching these patterns (e.g. 'web-*,rack12-a')")
    .addOption(new Option('-s, --strategy <strategy>', "override the playbook's strategy").choices(STRATEGIES))
    .option('--json', 'print one JSON document on stdout (progress goes to stderr)')
    .option('--list-hosts', 'list the hosts the playbook involves, then exit')
    .option('--list-vms', 'list the VMs the playbook would move (after discovery), then exit')
    .option('-q, --quiet', 'print only the recap')
    .option('-v, --verbose', 'more detail, and stack traces on errors');
}

export function buildProgram(): Command {
  const program = new Command('tsmig')
    .description('Traffic-sensitive live migration of VMs, as a declarative workflow')
    .version(TSMIG_VERSION)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('validate')
    .alias('syntax-check')
    .argument('<playbook>', 'playbook YAML file')
    .option('-i, --inventory <file>', 'inventory file (replaces the playbook inventory)')
    .option('-e, --extra-vars <key=value>', 'override a playbook key (repeatable)', collect, [])
    .option('-v, --verbose', 'stack traces on errors')
    .description('check the playbook (YAML, schema, meaning); touch no host')
    .action(async (file: string, opts: { inventory?: string; extraVars: string[] }) => {
      const { validateCommand } = await import('./validate-command.ts');
      process.exitCode = validateCommand(file, opts);
    });

  addRunOptions(program.command('plan'))
    .argument('<playbook>', 'playbook YAML file')
    .description('validate, measure and plan; migrate nothing (same as run --check)')
    .option('--compare <plan-json>', 'show how this plan differs from a saved one (plan --json output or a run report)')
    .action(async (file: string, opts: RunCommandOptions) => {
      const { runCommand } = await import('./run-command.ts');
      process.exitCode = await runCommand(file, { ...opts, check: true });
    });

  addRunOptions(program.command('run'))
    .argument('<playbook>', 'playbook YAML file')
    .description('validate, measure, plan, migrate, verify and report')
    .option('-C, --check', 'plan only: move nothing')
    .option('--report <file>', 'also write the JSON run report here')
    .option('--report-dir <dir>', 'also write the run report into this directory, in each of the playbook\'s report.formats')
    .option('--abort-on-interrupt', 'on Ctrl-C, abort running pre-copy migrations instead of letting them finish')
    .option('--journal <file>', 'append the run journal here (default: beside the report, else PLAYBOOK.journal.jsonl in the report dir or the current directory)')
    .option('--resume <journal>', 'continue an interrupted run from its journal: reconcile with the hosts, migrate what is left')
    .action(async (file: string, opts: RunCommandOptions) => {
      const { runCommand } = await import('./run-command.ts');
      process.exitCode = await runCommand(file, opts);
    });

  program
    .command('report')
    .argument('<run-json>', 'a run report written by tsmig run (--report or report.path)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .description('re-render a saved run report')
    .action(async (file: string, opts: { format: ReportFormat; output?: string }) => {
      const { reportCommand } = await import('./report-command.ts');
      process.exitCode = reportCommand(file, opts.format, opts.output);
    });

  program
    .command('completion')
    .addArgument(new Argument('[shell]', 'the shell').choices(['bash']).default('bash'))
    .description('print a shell completion script; load it with: eval "$(tsmig completion bash)"')
    .action(async () => {
      const { bashCompletion } = await import('./completion.ts');
      process.stdout.write(bashCompletion(program));
    });

  program.addHelpText('after', commandHelpFooter('tsmig'));
  for (const command of program.commands) command.addHelpText('after', commandHelpFooter(command.name()));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, successfully.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badOptions;
    }
    return reportError(error, verbose);
  }
}

export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof TsmigError) {
    process.stderr.write(`ERROR: ${showControlChars(error.message)}\n`);
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`ERROR: ${showControlChars(message)}${verbose ? '' : ' (run with -v for details)'}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}

const exitCode = await main(process.argv);
process.exitCode = exitCode;
