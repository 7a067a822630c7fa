// The one way to start a migration record: identity from the plan, nothing moved yet.
import type { PlannedMigration } from '../planner/types.ts';
import type { MigrationRecord, MigrationStatus } from '../report/run-report.ts';

export type RecordIdentity = Pick<PlannedMigration, 'vm' | 'from' | 'to' | 'mode' | 'reason'> & { wave?: number };

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
    attempts: [],
  };
}
