// What happened to one VM in a run (its record, attempts and status), produced by the executor;
// the journal, the run report and every report format read it.
import type { MigrationMode, PlannedMigration } from '../planner/types.ts';

export type MigrationStatus = 'ok' | 'changed' | 'failed' | 'skipped';

export interface AttemptRecord {
  attempt: number;
  started_s: number;
  finished_s: number;
  error?: string;
}

export interface MigrationPhasesS {
  connect: number;
  prechecks: number;
  migrate: number;
  postchecks: number;
  verify?: number;
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
  /** The plan's time model: how long it should take (from its start) and the rate its stream should get. */
  predicted_duration_s?: number;
  predicted_stream_mbps?: number;
  /** Measured in the sampling window. */
  dirty_mib_per_s?: number;
  /** Ran as pre-copy with auto-converge. */
  auto_converge?: boolean;
  /**
   * Wall time of each step of the migration's successful attempt (drivers that time them):
   * connect, prechecks, migrate (= duration_s), postchecks, and the run's placement check
   * (verify, once for all VMs, without its settle wait).
   */
  phases_s?: MigrationPhasesS;
  /** Sampled progress: seconds since run start, bytes transferred, rate. */
  progress?: Array<{ at_s: number; transferred_bytes: number; rate_mbps: number }>;
}

export type RecordIdentity = Pick<PlannedMigration, 'vm' | 'from' | 'to' | 'mode' | 'reason'> &
  Partial<Pick<PlannedMigration, 'wave' | 'estimatedDurationS' | 'predictedStreamMbps' | 'dirtyMibPerS' | 'autoConverge'>>;

/** The one way to start a migration record: identity from the plan, nothing moved yet. */
export function migrationRecord(m: RecordIdentity, status: MigrationStatus, vmOn: string | null): MigrationRecord {
  return {
    vm: m.vm,
    from: m.from,
    to: m.to,
    mode: m.mode,
    wave: m.wave ?? 0,
    status,
    started_s: null,
    finished_s: null,
    duration_s: null,
    bytes: 0,
    downtime_ms: null,
    retries: 0,
    vm_on: vmOn,
    reason: m.reason,
    ...predictions(m),
    attempts: [],
  };
}

/** What the plan's time model said, beside what happened (absent when the plan predicted nothing). */
function predictions(m: RecordIdentity): Partial<MigrationRecord> {
  const out: Partial<MigrationRecord> = {};
  if (m.estimatedDurationS !== undefined && Number.isFinite(m.estimatedDurationS)) out.predicted_duration_s = round3(m.estimatedDurationS);
  if (m.predictedStreamMbps !== undefined && m.predictedStreamMbps > 0) out.predicted_stream_mbps = round3(m.predictedStreamMbps);
  if (m.dirtyMibPerS !== undefined) out.dirty_mib_per_s = round3(m.dirtyMibPerS);
  if (m.autoConverge) out.auto_converge = true;
  return out;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
