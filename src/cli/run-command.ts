// tsmig run / plan: load → drive the workflow → print and write the report → exit code.
import { existsSync, writeFileSync } from 'node:fs';
import { createDriver } from '../drivers/create-driver.ts';
import { ExitCode, TsmigError } from '../errors.ts';
import { EngineEvents } from '../executor/engine-events.ts';
import { discoverMoves, involvedHosts, runWorkflow } from '../executor/run-workflow.ts';
import type { Strategy } from '../planner/types.ts';
import { loadPlaybook } from '../playbook/load-playbook.ts';
import { renderPlanText } from '../report/plan-text.ts';
import { diffPlans, renderPlanDiff } from '../report/plan-diff.ts';
import { readSavedPlan } from './report-command.ts';
import { startListrProgress } from '../report/progress-listr.ts';
import { startPlainProgress, type Verbosity } from '../report/progress-plain.ts';
import { renderRecapText } from '../report/recap-text.ts';
import type { RunReport } from '../executor/run-report.ts';
import { handleInterrupts } from './interrupts.ts';
import { writeReportFiles } from './write-report-files.ts';
import { planDocumentToJson, runReportToJson } from '../report/report-json.ts';
import { JournalWriter } from '../executor/journal.ts';
import { journalOwnerPath, playbookIdentity, readJournal } from './read-journal.ts';
import { journalPathFor } from './journal-path.ts';
import { checkOutputPaths } from './output-paths.ts';
import { showControlChars } from '../report/show-control-chars.ts';

/** The live view redraws every frame: it shows at most this many plan rows, fewer on a short terminal (plain output shows all). */
const LIVE_PLAN_ROWS = 20;

export interface RunCommandOptions {
  inventory?: string;
  limit?: string;
  strategy?: Strategy;
  json?: boolean;
  listHosts?: boolean;
  listVms?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  check?: boolean;
  report?: string;
  reportDir?: string;
  abortOnInterrupt?: boolean;
  journal?: string;
  resume?: string;
  extraVars?: string[];
  compare?: string;
}

export async function runCommand(file: string, opts: RunCommandOptions): Promise<number> {
  const playbook = loadPlaybook(file, { inventoryFile: opts.inventory, overrides: opts.extraVars });
  const previousPlan = opts.compare ? readSavedPlan(opts.compare) : undefined;
  // Read before the output checks: a journal that cannot be read is a bad input (exit 4).
  const identity = opts.check ? undefined : playbookIdentity(playbook.file);
  const hosts = playbook.inventory.hosts.map((h) => h.name);
  const resumePlan = opts.resume ? readJournal(opts.resume, { playbook: identity, hosts }).plan : undefined;
  const out = (text: string): void => void process.stdout.write(`${showControlChars(text)}\n`);
  if (opts.listHosts) {
    for (const h of involvedHosts(playbook)) out(h);
    return ExitCode.ok;
  }
  const reportPath = opts.report ?? playbook.report.path;
  const reportDir = opts.reportDir ?? playbook.report.dir;
  const journalPath = opts.check ? undefined : (opts.resume ?? journalPathFor(opts, playbook));
  if (!opts.check) {
    checkOutputPaths({
      report: reportPath ? { path: reportPath, fromOption: opts.report !== undefined } : undefined,
      reportDir: reportDir ? { path: reportDir, fromOption: opts.reportDir !== undefined } : undefined,
      journal: journalPath ? { path: journalPath, fromOption: opts.journal !== undefined || opts.resume !== undefined } : undefined,
      inputs: [playbook.file, ...(opts.inventory ? [opts.inventory] : []), ...(opts.compare ? [opts.compare] : [])],
    });
    if (journalPath && !opts.resume) refuseOtherPlaybooksJournal(journalPath, playbook.file, opts.journal !== undefined);
  }
  const events = new EngineEvents();
  const verbosity: Verbosity = opts.quiet ? 'quiet' : opts.verbose ? 'verbose' : 'normal';
  const driver = await createDriver(playbook.inventory, (line) => events.emit({ type: 'info', message: line }));
  try {
    if (opts.listVms) {
      const { resolved } = await discoverMoves(playbook, driver, events, opts.limit);
      for (const m of resolved.moves) out(`${m.vm}\t${m.from} -> ${m.to.join(',')}`);
      return ExitCode.ok;
    }
    const live = verbosity !== 'quiet' && process.stderr.isTTY === true && !process.env.CI;
    const stopPlain = live ? undefined : startPlainProgress(events, (line) => process.stderr.write(`${showControlChars(line)}\n`), verbosity);
    const showPlan = !opts.json && (verbosity !== 'quiet' || opts.check === true);
    // The plan is shown the moment it is made, before anything moves: printed in plain mode,
    // under the plan task in the live view (stdout writes would tear the live redraw).
    const progress = live
      ? startListrProgress(events, {
          stream: process.stderr,
          clock: driver.clock,
          maxParallel: playbook.constraints.maxParallel,
          check: opts.check === true,
          planRows: showPlan ? LIVE_PLAN_ROWS : undefined,
          verbose: verbosity === 'verbose',
        })
      : undefined;
    const stopPlanPrint = showPlan && !live ? events.subscribe((e) => e.type === 'planned' && out(`${renderPlanText(e.plan)}\n`)) : undefined;
    // On a terminal the interrupt message goes into the live view (a raw write would tear its redraw).
    const interrupts = handleInterrupts(progress ? progress.log : (line) => process.stderr.write(`${line}\n`), opts.abortOnInterrupt === true);
    const journal = journalPath === undefined ? undefined : new JournalWriter(journalPath);
    if (journal && identity) {
      journal.append({ type: 'run-start', at: new Date().toISOString(), playbook: playbook.name, file: playbook.file, playbook_path: identity.path, playbook_sha256: identity.sha256, driver: playbook.inventory.driver });
    }
    const stopJournal = journal?.follow(events);
    let report: RunReport;
    try {
      report = await runWorkflow(playbook, driver, events, {
        check: opts.check === true,
        strategy: opts.strategy,
        limit: opts.limit,
        stop: interrupts.stop,
        abortRunning: interrupts.abortRunning,
        resumePlan,
      });
      await progress?.finish();
      journal?.append({ type: 'run-end', at: new Date().toISOString(), exit_code: report.exit_code, interrupted: report.interrupted });
    } catch (error) {
      await progress?.finish(error);
      throw error;
    } finally {
      stopPlain?.();
      stopPlanPrint?.();
      stopJournal?.();
      journal?.close();
      interrupts.dispose();
    }
    // A report that cannot be written now (disk full, directory gone) must not hide the recap or the run's outcome.
    const writeProblems: string[] = [];
    let reportWritten = false;
    if (reportPath && !opts.check) {
      try {
        writeFileSync(reportPath, `${JSON.stringify(runReportToJson(report), null, 2)}\n`);
        reportWritten = true;
      } catch (error) {
        writeProblems.push(`cannot write the run report to ${reportPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    let dirFiles: string[] = [];
    if (reportDir && !opts.check) {
      try {
        dirFiles = writeReportFiles(report, reportDir, playbook.report.formats);
      } catch (error) {
        writeProblems.push(error instanceof Error ? error.message : String(error));
      }
    }
    const diff = previousPlan ? diffPlans(previousPlan, report.plan) : undefined;
    if (opts.json) {
      out(JSON.stringify(opts.check ? planDocumentToJson(report.plan, report.measurements, diff) : runReportToJson(report), null, 2));
    } else {
      if (diff) out(`${renderPlanDiff(diff)}\n`);
      out(renderRecapText(report));
      if (reportWritten) out(`report written to ${reportPath}`);
      if (dirFiles.length > 0) out(`reports written: ${dirFiles.join(', ')}`);
      if (journal) out(`journal: ${journal.path} (resume with: tsmig run ${playbook.file} --resume ${journal.path})`);
    }
    for (const problem of writeProblems) process.stderr.write(`ERROR: ${showControlChars(problem)}\n`);
    // The run's own failure code wins; a clean run whose report is missing is exit 4.
    return writeProblems.length > 0 && report.exit_code === ExitCode.ok ? ExitCode.invalidInputOrUnreachable : report.exit_code;
  } finally {
    await driver.close();
  }
}

/** Appending this run to a journal whose last run is of another playbook would make that run unresumable. */
function refuseOtherPlaybooksJournal(journalPath: string, playbookFile: string, fromOption: boolean): void {
  const owner = existsSync(journalPath) ? journalOwnerPath(journalPath) : undefined;
  if (owner === undefined || owner === playbookIdentity(playbookFile).path) return;
  throw new TsmigError(
    `${journalPath}: this journal belongs to the playbook ${owner}; give this run another --journal path`,
    fromOption ? ExitCode.badOptions : ExitCode.invalidInputOrUnreachable,
  );
}
