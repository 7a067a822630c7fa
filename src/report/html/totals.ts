// The headline numbers of a run, and what went wrong with each failed VM.
import { escapeHtml } from '../escape-html.ts';
import { formatBytes } from '../progress-format.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { formatDurationS } from './svg-axis.ts';

export function renderTotals(report: RunReport): string {
  const s = report.summary;
  const simulated = report.driver === 'sim' ? ' (simulated)' : '';
  const cards: Array<[string, string, string?]> = [
    ['total migration time', formatDurationS(s.total_migration_time_s), 'first start to last end'],
    ['data moved', formatBytes(s.data_transferred_bytes)],
    ['downtime', `${s.total_downtime_ms.toFixed(0)} ms`, 'all VMs together'],
    ['migrated', String(s.changed), `of ${s.migrations}`],
    ['failed', String(s.failed)],
    ['skipped', String(s.skipped)],
    ['already in place', String(s.ok)],
    ['run time', formatDurationS(s.run_time_s), simulated.trim() || undefined],
    ['plan contention', `${report.plan.contentionMbps.toFixed(0)} Mbps`, report.plan.strategy],
  ];
  return `<div class="totals">${cards
    .map(([label, value, note]) => {
      const alert = (label === 'failed' || label === 'skipped') && value !== '0' ? ' alert' : '';
      return `<div class="card${alert}"><div class="value">${escapeHtml(value)}</div><div class="label">${escapeHtml(label)}</div>${note ? `<div class="note">${escapeHtml(note)}</div>` : ''}</div>`;
    })
    .join('')}</div>`;
}

export function renderFailures(report: RunReport): string {
  const failed = report.migrations.filter((m) => m.status === 'failed');
  if (failed.length === 0) return '';
  const items = failed.map((m) => {
    const attempts = m.attempts
      .filter((a) => a.error)
      .map((a) => `<li>attempt ${escapeHtml(a.attempt)}: ${escapeHtml(a.error ?? '')}</li>`)
      .join('');
    return (
      `<div class="failure" data-vm="${escapeHtml(m.vm)}"><h3>${escapeHtml(m.vm)}: ${escapeHtml(m.from)} → ${escapeHtml(m.to)} (${escapeHtml(m.mode)})</h3>` +
      `<p>${escapeHtml(m.error ?? 'unknown error')}</p>` +
      `<p><strong>It runs on ${escapeHtml(m.vm_on ?? 'an UNKNOWN host')}.</strong></p>` +
      (m.recovery ? `<p class="recovery">Recovery: <code>${escapeHtml(m.recovery)}</code></p>` : '') +
      (attempts ? `<ul>${attempts}</ul>` : '') +
      `</div>`
    );
  });
  return `<section class="failures"><h2>Failures</h2>${items.join('')}</section>`;
}
