// PLAY RECAP-style summary: per host counts, totals, then each VM's mode, duration and bytes.
import { formatTable } from './plan-text.ts';
import { formatBytes } from './progress-format.ts';
import type { RunReport } from '../executor/run-report.ts';
import { formatDurationMs, formatDurationS } from '../util/duration.ts';

export function renderRecapText(report: RunReport): string {
  const lines: string[] = [];
  lines.push(`PLAY RECAP [${report.playbook.name}] ${report.check ? '(check mode: nothing moved; changed = would move)' : ''}`.trimEnd());
  const hostWidth = Math.max(...report.recap.map((h) => h.host.length), 4);
  for (const h of report.recap) {
    lines.push(`${h.host.padEnd(hostWidth)} : ok=${h.ok}  changed=${h.changed}  failed=${h.failed}  skipped=${h.skipped}`);
  }
  if (report.check) return lines.join('\n');
  const s = report.summary;
  lines.push('');
  lines.push(
    `total migration time ${formatDurationS(s.total_migration_time_s)}, data transferred ${formatBytes(s.data_transferred_bytes)}, ` +
      `downtime ${formatDurationMs(s.total_downtime_ms)} in all, run time ${formatDurationS(s.run_time_s)}${report.driver === 'sim' ? ' (simulated)' : ''}`,
  );
  const predictedS = report.plan.estimatedTotalTimeS;
  if (predictedS !== undefined && Number.isFinite(predictedS) && s.total_migration_time_s > 0) {
    const errorPct = (100 * (s.total_migration_time_s - predictedS)) / predictedS;
    lines.push(`predicted total migration time ${predictedS.toFixed(1)}s: measured ${errorPct >= 0 ? '+' : ''}${errorPct.toFixed(1)} %`);
  }
  const rows = report.migrations.map((m) => [
    m.vm,
    `${m.from} -> ${m.to}`,
    m.mode,
    m.status,
    m.duration_s === null ? '-' : formatDurationS(m.duration_s),
    m.predicted_duration_s === undefined ? '-' : formatDurationS(m.predicted_duration_s),
    formatBytes(m.bytes),
    String(m.retries),
    m.vm_on ?? 'UNKNOWN',
  ]);
  lines.push(...formatTable(['VM', 'MOVE', 'MODE', 'STATUS', 'DURATION', 'PREDICTED', 'DATA', 'RETRIES', 'RUNNING ON'], rows));
  for (const m of report.migrations.filter((x) => x.status === 'failed')) {
    lines.push(`FAILED ${m.vm}: ${m.error ?? 'unknown error'}; it runs on ${m.vm_on ?? 'an UNKNOWN host'}`);
    if (m.recovery) lines.push(`  recovery: ${m.recovery}`);
  }
  if (report.interrupted) lines.push('INTERRUPTED: migrations not started are listed as skipped; rerun the playbook to finish.');
  return lines.join('\n');
}
