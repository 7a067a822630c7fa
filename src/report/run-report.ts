// The run report: what was planned, what happened to each VM, where every VM runs now.
// Written as JSON (the source every other format is rendered from) and kept stable for tools.
import type { Measurements } from '../measure/measurements.ts';
import type { MigrationMode, Plan, Strategy } from '../planner/types.ts';

export type MigrationStatus = 'ok' | 'changed' | 'failed' | 'skipped';

export interface AttemptRecord {
  attempt: number;
  started_s: number;
  finished_s: number;
  error?: string;
}

export interface MigrationRecord {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
  wave: number;
  /** ok = already in place, changed = migrated, failed, skipped = not attempted. */
  status: MigrationStatus;
  started_s: number | null;
  finished_s: number | null;
  duration_s: number | null;
  bytes: number;
  downtime_ms: number | null;
  retries: number;
  /** Where the VM runs after the run (verified where the driver can). */
  vm_on: string | null;
  reason: string;
  error?: string;
  /** A manual step an operator must take, when tsmig could not finish safely. */
  recovery?: string;
  attempts: AttemptRecord[];
  /** Sampled progress: seconds since run start, bytes transferred, rate. */
  progress?: Array<{ at_s: number; transferred_bytes: number; rate_mbps: number }>;
}

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
  driver: 'sim' | 'ssh';
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
