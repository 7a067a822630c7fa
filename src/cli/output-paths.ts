// Output files are checked before anything moves: a report or journal that cannot be written
// must not be found out after every migration ran, and a journal must never overwrite (append
// to) the playbook, the inventory, the report or some other file.
import { accessSync, constants, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExitCode, TsmigError } from '../errors.ts';
import { readRegularFile } from '../util/read-regular-file.ts';
import { MAX_JOURNAL_BYTES } from '../executor/journal.ts';

export interface OutputPlan {
  /** The JSON report path, and whether it came from the command line (exit 5) or the playbook (exit 4). */
  report?: { path: string; fromOption: boolean; /** 'run report' unless said (`report -o`: 'output'). */ what?: string };
  reportDir?: { path: string; fromOption: boolean };
  journal?: { path: string; fromOption: boolean };
  /** Files the run reads: an output may be none of them. */
  inputs: string[];
}

function fail(message: string, fromOption: boolean): never {
  throw new TsmigError(message, fromOption ? ExitCode.badOptions : ExitCode.invalidInputOrUnreachable);
}

/** The same file, whatever the spelling (./x, x, a symlink to x). */
function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

function checkWritableFile(path: string, what: string, fromOption: boolean): void {
  if (existsSync(path)) {
    const stats = statSync(path);
    if (!stats.isFile()) fail(`${path}: the ${what} would go to ${stats.isDirectory() ? 'a directory' : 'something that is not a regular file'}; give the path of a file`, fromOption);
    try {
      accessSync(path, constants.W_OK);
    } catch {
      fail(`${path}: the ${what} cannot be written (permission denied)`, fromOption);
    }
    return;
  }
  const dir = dirname(path);
  if (!existsSync(dir)) fail(`${path}: the ${what} cannot be written: ${dir} does not exist (create it first)`, fromOption);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    fail(`${path}: the ${what} cannot be written: no permission to create files in ${dir}`, fromOption);
  }
}

export function checkOutputPaths(plan: OutputPlan): void {
  const { report, reportDir, journal } = plan;
  if (report) {
    const what = report.what ?? 'run report';
    for (const input of plan.inputs) {
      if (sameFile(report.path, input)) fail(`${report.path}: the ${what} would overwrite ${input}, which this run reads; give another path`, report.fromOption);
    }
    checkWritableFile(report.path, what, report.fromOption);
  }
  if (reportDir && existsSync(reportDir.path) && !statSync(reportDir.path).isDirectory()) {
    fail(`${reportDir.path}: the report directory is not a directory`, reportDir.fromOption);
  }
  if (reportDir && !existsSync(reportDir.path)) {
    try {
      mkdirSync(reportDir.path, { recursive: true });
    } catch (error) {
      fail(`${reportDir.path}: the report directory cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`, reportDir.fromOption);
    }
  }
  if (!journal) return;
  for (const input of plan.inputs) {
    if (sameFile(journal.path, input)) fail(`${journal.path}: the journal would be written into ${input}, which this run reads; give another --journal path`, journal.fromOption);
  }
  if (report && sameFile(journal.path, report.path)) fail(`${journal.path}: the journal and the run report would be the same file; give them different paths`, journal.fromOption);
  if (existsSync(journal.path) || existsSync(dirname(journal.path))) checkWritableFile(journal.path, 'journal', journal.fromOption);
  if (existsSync(journal.path) && !looksLikeJournal(journal.path)) {
    fail(`${journal.path}: exists and is not a tsmig journal; tsmig appends only to its own journals (give another --journal path)`, journal.fromOption);
  }
}

/** Empty, or its first line is a journal's run-start. */
function looksLikeJournal(path: string): boolean {
  const text = readRegularFile(path, 'journal', MAX_JOURNAL_BYTES).toString('utf8');
  if (text.trim() === '') return true;
  try {
    const first = JSON.parse(text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined)) as { type?: unknown };
    return first !== null && typeof first === 'object' && first.type === 'run-start';
  } catch {
    return false;
  }
}
