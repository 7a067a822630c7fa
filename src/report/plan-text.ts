// The plan for people: each VM's mode, destination, wave and reason; contention per host.
import type { Measurements } from '../measure/measurements.ts';
import type { Plan } from '../planner/types.ts';

export function renderPlanText(plan: Plan, measurements: Measurements): string {
  const lines: string[] = [];
  lines.push(`PLAN [${plan.strategy}] ${plan.migrations.length} migrations in ${plan.waves} wave(s); contention ${plan.contentionMbps.toFixed(1)} Mbps`);
  if (plan.estimatedTotalTimeS !== undefined) lines.push(`  estimated total migration time: ${plan.estimatedTotalTimeS.toFixed(1)}s`);
  const rates = new Map(measurements.vms.map((v) => [v.vm, v]));
  const table = plan.migrations.map((m) => {
    const r = rates.get(m.vm);
    const estimate = m.estimatedDurationS === undefined ? '-' : `${m.estimatedDurationS.toFixed(1)}s @ ${(m.predictedStreamMbps ?? 0).toFixed(0)} Mbps`;
    return [
      m.vm,
      `${m.from} -> ${m.to}`,
      m.autoConverge ? `${m.mode}+auto-converge` : m.mode,
      String(m.wave + 1),
      r ? `${r.txMbps.toFixed(0)}/${r.rxMbps.toFixed(0)}` : '-',
      m.dirtyMibPerS === undefined ? '-' : m.dirtyMibPerS.toFixed(1),
      estimate,
      m.reason,
    ];
  });
  lines.push(...formatTable(['VM', 'MOVE', 'MODE', 'WAVE', 'TX/RX Mbps', 'DIRTY MiB/s', 'ESTIMATE', 'REASON'], table).map((l) => `  ${l}`));
  lines.push('', 'CONTENTION per host (Mbps): source side = outbound, destination side = inbound');
  lines.push(
    ...formatTable(
      ['HOST', 'SOURCE', 'DESTINATION'],
      plan.hosts.map((h) => [h.host, h.sourceMbps.toFixed(1), h.destinationMbps.toFixed(1)]),
    ).map((l) => `  ${l}`),
  );
  return lines.join('\n');
}

export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
