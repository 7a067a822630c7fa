// The run report: what was planned, what happened to each VM, where every VM runs now.
// The executor assembles it; written as JSON (the source every other format is rendered from)
// and kept stable for tools.
import type { Measurements } from '../measure/measurements.ts';
import type { Plan, Strategy } from '../planner/types.ts';
import type { DriverKind } from '../playbook/types.ts';
import type { MigrationRecord } from './migration-record.ts';

export interface RunSummary {
  total_migration_time_s: number;
  data_transferred_bytes: number;
  total_downtime_ms: number;
  migrations: number;
  changed: number;
  ok: number;
  failed: number;
  skipped: number;
  /** Virtual (sim) or wall seconds the whole run took. */
  run_time_s: number;
}

export interface HostRecap {
  host: string;
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
}

export interface RunReport {
  tool: { name: 'tsmig'; version: string };
  playbook: { name: string; file: string };
  driver: DriverKind;
  strategy: Strategy;
  check: boolean;
  started_at: string;
  measurements: Measurements;
  plan: Plan;
  migrations: MigrationRecord[];
  summary: RunSummary;
  recap: HostRecap[];
  /** Every VM the run touched → the hosts it runs on now (exactly one when all is well). */
  placement: Record<string, string[]>;
  interrupted: boolean;
  exit_code: number;
}
