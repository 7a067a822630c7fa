// The JSON documents tsmig writes (the run report, `plan --json`) and reads back (`report`,
// `--compare`): snake_case throughout, with a schema_version; schemas/ publishes their shape.
import type { Measurements } from '../measure/measurements.ts';
import type { Plan } from '../planner/types.ts';
import { camelCaseKeys, snakeCaseKeys } from '../util/json-keys.ts';
import type { PlanDiff } from './plan-diff.ts';
import type { RunReport } from '../executor/run-report.ts';

/** schemas/run-report.schema.json; bump on a change that breaks readers (renames, removals). */
export const RUN_REPORT_SCHEMA_VERSION = 1;
/** schemas/plan.schema.json (the `plan --json` document). */
export const PLAN_SCHEMA_VERSION = 1;

export function runReportToJson(report: RunReport): Record<string, unknown> {
  return { schema_version: RUN_REPORT_SCHEMA_VERSION, ...report, plan: snakeCaseKeys(report.plan), measurements: snakeCaseKeys(report.measurements) };
}

/** A parsed run report file → the engine's RunReport (its plan and measurements in camelCase). */
export function runReportFromJson(data: Record<string, unknown>): RunReport {
  const { schema_version: _version, ...rest } = data;
  return { ...rest, plan: planFromJson(data.plan), measurements: camelCaseKeys(data.measurements) as Measurements } as unknown as RunReport;
}

export function planToJson(plan: Plan): unknown {
  return snakeCaseKeys(plan);
}

/** Accepts the snake_case plan of any JSON output (and the camelCase one written before it). */
export function planFromJson(plan: unknown): Plan {
  return camelCaseKeys(plan) as Plan;
}

export function planDocumentToJson(plan: Plan, measurements: Measurements, compare?: PlanDiff): Record<string, unknown> {
  return {
    schema_version: PLAN_SCHEMA_VERSION,
    plan: snakeCaseKeys(plan),
    measurements: snakeCaseKeys(measurements),
    ...(compare ? { compare: snakeCaseKeys(compare) } : {}),
  };
}
