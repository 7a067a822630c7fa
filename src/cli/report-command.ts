// tsmig report RUN.json: re-render a saved run.
import type { Plan } from '../planner/types.ts';
import { writeFileSync } from 'node:fs';
import { readRegularTextFile } from '../util/read-regular-file.ts';
import { ExitCode, TsmigError } from '../errors.ts';
import { renderReportFormat, type ReportFormat } from '../report/render-report-format.ts';
import type { RunReport } from '../executor/run-report.ts';

/** A run report of thousands of migrations with their progress samples stays well within this. */
export const MAX_RUN_REPORT_BYTES = 64 * 1024 * 1024;

export function reportCommand(file: string, format: ReportFormat, outputFile?: string): number {
  const text = renderReportFormat(readRunReport(file), format);
  if (outputFile) writeFileSync(outputFile, text);
  else process.stdout.write(text);
  return ExitCode.ok;
}

export function readRunReport(file: string): RunReport {
  const text = readRegularTextFile(file, 'run report', MAX_RUN_REPORT_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TsmigError(`${file}: cannot read a run report (${error instanceof Error ? error.message : String(error)})`, ExitCode.invalidInputOrUnreachable);
  }
  const r = data as Partial<RunReport>;
  if (r.tool?.name !== 'tsmig' || !Array.isArray(r.migrations) || !r.plan) {
    throw new TsmigError(`${file}: not a tsmig run report (write one with tsmig run --report FILE)`, ExitCode.invalidInputOrUnreachable);
  }
  return data as RunReport;
}

/** A plan saved by `plan --json` ({plan, measurements}) or inside a run report. */
export function readSavedPlan(file: string): Plan {
  const text = readRegularTextFile(file, 'saved plan', MAX_RUN_REPORT_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TsmigError(`${file}: cannot read a saved plan (${error instanceof Error ? error.message : String(error)})`, ExitCode.invalidInputOrUnreachable);
  }
  const plan = (data as { plan?: Partial<Plan> }).plan;
  if (!plan || !Array.isArray(plan.migrations) || typeof plan.contentionMbps !== 'number') {
    throw new TsmigError(`${file}: no plan in it (save one with: tsmig plan FILE --json > plan.json)`, ExitCode.invalidInputOrUnreachable);
  }
  return plan as Plan;
}
