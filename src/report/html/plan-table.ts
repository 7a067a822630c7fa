// The plan as a table: every VM with its move, mode, why, and what happened to it.
import { escapeHtml } from '../escape-html.ts';
import { formatBytes } from '../progress-format.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { formatDurationS } from './svg-axis.ts';
import { modeClass, statusClass } from './css-class.ts';

export function renderPlanTable(report: RunReport): string {
  const planned = new Map(report.plan.migrations.map((p) => [p.vm, p]));
  const recorded = new Map(report.migrations.map((m) => [m.vm, m]));
  // Planned VMs first (plan order), then records the plan did not include (already in place).
  const vms = [...new Set([...report.plan.migrations.map((p) => p.vm), ...report.migrations.map((m) => m.vm)])];
  const rows = vms.map((vm) => {
    const p = planned.get(vm);
    const m = recorded.get(vm);
    const mode = m?.mode ?? p?.mode ?? 'pre-copy';
    const status = m?.status ?? (report.check ? 'planned' : 'not run');
    const cells = [
      `<td class="vm">${escapeHtml(vm)}</td>`,
      `<td class="move">${escapeHtml(p?.from ?? m?.from ?? '')} → ${escapeHtml(p?.to ?? m?.to ?? '')}</td>`,
      `<td><span class="chip ${modeClass(mode)}">${escapeHtml(mode)}</span></td>`,
      `<td class="num">${p ? escapeHtml(Number(p.wave) + 1) : '–'}</td>`,
      `<td class="num">${p ? `${p.txMbps.toFixed(0)} / ${p.rxMbps.toFixed(0)}` : '–'}</td>`,
      `<td><span class="status ${statusClass('status', status)}">${escapeHtml(status)}</span></td>`,
      `<td class="num">${m?.duration_s != null ? formatDurationS(m.duration_s) : '–'}</td>`,
      `<td class="num">${m && m.bytes > 0 ? formatBytes(m.bytes) : '–'}</td>`,
      `<td class="num">${m?.downtime_ms != null ? `${m.downtime_ms.toFixed(0)} ms` : '–'}</td>`,
      `<td class="num">${m ? escapeHtml(m.retries) : '–'}</td>`,
      `<td class="host">${m ? escapeHtml(m.vm_on ?? 'UNKNOWN') : '–'}</td>`,
      `<td class="reason">${escapeHtml(p?.reason ?? m?.reason ?? '')}</td>`,
    ];
    return `<tr data-vm="${escapeHtml(vm)}" class="${statusClass('row', status)}">${cells.join('')}</tr>`;
  });
  const head = ['VM', 'move', 'mode', 'wave', 'TX / RX Mbps', 'status', 'duration', 'data', 'downtime', 'retries', 'running on', 'why this mode'];
  return (
    `<div class="table-scroll"><table class="plan"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>` +
    renderContentionTable(report)
  );
}

function renderContentionTable(report: RunReport): string {
  const rows = report.plan.hosts.map(
    (h) =>
      `<tr><td>${escapeHtml(h.host)}</td><td class="num">${h.sourceMbps.toFixed(1)}</td><td class="num">${h.destinationMbps.toFixed(1)}</td></tr>`,
  );
  return (
    `<h3>Contention per host (Mbps), all migrations at once</h3>` +
    `<p class="muted">Source side: outbound traffic a pre-copy stream competes with. Destination side: inbound traffic a post-copy stream competes with. The plan's contention is the largest: ${report.plan.contentionMbps.toFixed(1)} Mbps.</p>` +
    `<table class="contention"><thead><tr><th>host</th><th>source side</th><th>destination side</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}
