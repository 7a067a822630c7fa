// The HTML run reports behind the paper's tables (timeline per host, NIC charts, totals): one per
// strategy for the sim's netperf experiment, and the lab run with the median TMT per strategy.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Strategy } from '../../src/planner/types.ts';
import { renderReportFormat } from '../../src/report/render-report-format.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { runReportFromJson } from '../../src/report/report-json.ts';
import type { LabRun } from './lab-experiment.ts';
import { runSimStrategy } from './run-sim-strategy.ts';
import { STRATEGIES } from './seed-figures.ts';
import { NETPERF_PLAYBOOK, loadPaperPlaybook } from './sim-section.ts';

export interface NamedReport {
  name: string;
  report: RunReport;
}

export async function simNetperfReports(): Promise<NamedReport[]> {
  const playbook = loadPaperPlaybook(NETPERF_PLAYBOOK);
  const reports: NamedReport[] = [];
  for (const strategy of STRATEGIES) reports.push({ name: `netperf-sim-${strategy}`, report: (await runSimStrategy(playbook, strategy)).report });
  return reports;
}

/** Per strategy, the run whose total migration time is the median (the lower one of an even count). */
export function medianLabReports(runs: readonly LabRun[]): NamedReport[] {
  return STRATEGIES.flatMap((strategy: Strategy) => {
    const sorted = runs.filter((r) => r.strategy === strategy).sort((a, b) => a.totalMigrationTimeS - b.totalMigrationTimeS);
    const median = sorted[Math.floor((sorted.length - 1) / 2)];
    return median ? [{ name: `lab-${strategy}`, report: runReportFromJson(JSON.parse(readFileSync(median.reportFile, 'utf8')) as Record<string, unknown>) }] : [];
  });
}

const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Writes DIR/paper-DATE-NAME.html for each report (playbook paths relative to the repo); returns the file names. */
export function writeHtmlReports(dir: string, date: string, reports: readonly NamedReport[]): string[] {
  return reports.map(({ name, report }) => {
    const file = `paper-${date}-${name}.html`;
    const committable = { ...report, playbook: { ...report.playbook, file: relative(repo, report.playbook.file) } };
    writeFileSync(`${dir}${file}`, renderReportFormat(committable, 'html'));
    return file;
  });
}
