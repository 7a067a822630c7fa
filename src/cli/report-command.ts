// tsmig report RUN.json: re-render a saved run.
import { readFileSync } from 'node:fs';
import { ExitCode, TsmigError } from '../errors.ts';
import { renderRecapText } from '../report/recap-text.ts';
import type { RunReport } from '../report/run-report.ts';
import { renderPlanText } from '../report/plan-text.ts';

export function reportCommand(file: string, format: 'text' | 'json'): number {
  const report = readRunReport(file);
  if (format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${renderPlanText(report.plan, report.measurements)}\n\n${renderRecapText(report)}\n`);
  return ExitCode.ok;
}

export function readRunReport(file: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TsmigError(`${file}: cannot read a run report (${error instanceof Error ? error.message : String(error)})`, ExitCode.invalidInputOrUnreachable);
  }
  const r = data as Partial<RunReport>;
  if (r.tool?.name !== 'tsmig' || !Array.isArray(r.migrations) || !r.plan) {
    throw new TsmigError(`${file}: not a tsmig run report (write one with tsmig run --report FILE)`, ExitCode.invalidInputOrUnreachable);
  }
  return data as RunReport;
}
