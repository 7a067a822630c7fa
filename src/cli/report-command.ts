// tsmig report RUN.json: re-render a saved run.
import type { Plan } from '../planner/types.ts';
import { writeFileSync } from 'node:fs';
import { readRegularTextFile } from '../util/read-regular-file.ts';
import { ExitCode, TsmigError } from '../errors.ts';
import { renderReportFormat, type ReportFormat } from '../report/render-report-format.ts';
import type { RunReport } from '../executor/run-report.ts';
import { planFromJson, planToJson, runReportFromJson } from '../report/report-json.ts';
import { schemaProblems } from './json-schemas.ts';
import { checkOutputPaths } from './output-paths.ts';

/** A run report of thousands of migrations with their progress samples stays well within this. */
export const MAX_RUN_REPORT_BYTES = 64 * 1024 * 1024;

export function reportCommand(file: string, format: ReportFormat, outputFile?: string): number {
  const report = readRunReport(file);
  if (outputFile) checkOutputPaths({ report: { path: outputFile, fromOption: true, what: 'output' }, inputs: [file] });
  const text = renderReportFormat(report, format);
  if (!outputFile) {
    process.stdout.write(text);
    return ExitCode.ok;
  }
  try {
    writeFileSync(outputFile, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TsmigError(`${outputFile}: the output cannot be written (${code === 'ENOSPC' ? 'no space left on the device' : (code ?? String(error))})`, ExitCode.invalidInputOrUnreachable);
  }
  return ExitCode.ok;
}

export function readRunReport(file: string): RunReport {
  return parseRunReport(readRegularTextFile(file, 'run report', MAX_RUN_REPORT_BYTES), file);
}

/** A run report's text → the report, or exit 4 naming `file` and what is wrong. */
export function parseRunReport(text: string, file: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TsmigError(`${file}: cannot read a run report (${error instanceof Error ? error.message : String(error)})`, ExitCode.invalidInputOrUnreachable);
  }
  const r = data as Partial<RunReport> | null;
  if (r?.tool?.name !== 'tsmig' || !Array.isArray(r.migrations) || !r.plan) {
    throw new TsmigError(`${file}: not a tsmig run report (write one with tsmig run --report FILE)`, ExitCode.invalidInputOrUnreachable);
  }
  // Looks like one: every field is checked before a renderer relies on it.
  const problems = schemaProblems('run-report.schema.json', data, 'the report');
  if (problems.length > 0) throw new TsmigError(`${file}: not a valid tsmig run report (schemas/run-report.schema.json): ${problems.join('; ')}`, ExitCode.invalidInputOrUnreachable);
  return runReportFromJson(data as Record<string, unknown>);
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
  const saved = (data as { plan?: unknown } | null)?.plan;
  const plan = saved === undefined ? undefined : (planFromJson(saved) as Partial<Plan> | undefined);
  if (!plan || !Array.isArray(plan.migrations) || typeof plan.contentionMbps !== 'number') {
    throw new TsmigError(`${file}: no plan in it (save one with: tsmig plan FILE --json > plan.json)`, ExitCode.invalidInputOrUnreachable);
  }
  // Old saved plans are camelCase: checked in today's snake_case form.
  const problems = schemaProblems('plan.schema.json#/definitions/plan', planToJson(plan as Plan), 'plan');
  if (problems.length > 0) throw new TsmigError(`${file}: not a valid saved plan: ${problems.join('; ')}`, ExitCode.invalidInputOrUnreachable);
  return plan as Plan;
}
