// Totals and the PLAY RECAP from migration records. Pure.
import type { MigrationRecord } from './migration-record.ts';
import type { HostRecap, RunSummary } from './run-report.ts';

export function summarizeRun(records: MigrationRecord[], runTimeS: number): RunSummary {
  const moved = records.filter((r) => r.status === 'changed' || r.status === 'failed');
  const starts = moved.map((r) => r.started_s).filter((s): s is number => s !== null);
  const ends = moved.map((r) => r.finished_s).filter((s): s is number => s !== null);
  const count = (status: MigrationRecord['status']): number => records.filter((r) => r.status === status).length;
  return {
    total_migration_time_s: starts.length > 0 ? round3(Math.max(...ends) - Math.min(...starts)) : 0,
    data_transferred_bytes: records.reduce((s, r) => s + r.bytes, 0),
    total_downtime_ms: round3(records.reduce((s, r) => s + (r.downtime_ms ?? 0), 0)),
    migrations: records.length,
    changed: count('changed'),
    ok: count('ok'),
    failed: count('failed'),
    skipped: count('skipped'),
    run_time_s: round3(runTimeS),
  };
}

/** Per source host, like Ansible's PLAY RECAP; destinations with no outgoing VMs appear with zeros. */
export function recapByHost(records: MigrationRecord[], hosts: string[]): HostRecap[] {
  return hosts.map((host) => {
    const mine = records.filter((r) => r.from === host);
    const n = (s: MigrationRecord['status']): number => mine.filter((r) => r.status === s).length;
    return { host, ok: n('ok'), changed: n('changed'), failed: n('failed'), skipped: n('skipped') };
  });
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
