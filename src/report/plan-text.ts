// The plan for people: each VM's mode, destination, wave and reason; contention per host.
import type { Plan } from '../planner/types.ts';
import { plural } from '../util/plural.ts';
import { formatDurationS } from '../util/duration.ts';

/** Everything it shows is in the plan itself, so it can be printed the moment the plan is made. */
export function renderPlanText(plan: Plan, options: { maxRows?: number; maxHostRows?: number } = {}): string {
  const lines: string[] = [];
  lines.push(`PLAN [${plan.strategy}] ${plural(plan.migrations.length, 'migration')} in ${plural(plan.waves, 'wave')}; contention ${plan.contentionMbps.toFixed(1)} Mbps`);
  if (plan.estimatedTotalTimeS !== undefined) lines.push(`  estimated total migration time: ${formatDurationS(plan.estimatedTotalTimeS)}`);
  const shown = options.maxRows === undefined ? plan.migrations : plan.migrations.slice(0, options.maxRows);
  const table = shown.map((m) => {
    const estimate = m.estimatedDurationS === undefined ? '-' : `${m.estimatedDurationS.toFixed(1)}s @ ${(m.predictedStreamMbps ?? 0).toFixed(0)} Mbps`;
    return [
      m.vm,
      `${m.from} -> ${m.to}`,
      m.autoConverge ? `${m.mode}+auto-converge` : m.mode,
      String(m.wave + 1),
      `${m.txMbps.toFixed(0)}/${m.rxMbps.toFixed(0)}`,
      m.dirtyMibPerS === undefined ? '-' : m.dirtyMibPerS.toFixed(1),
      estimate,
      m.reason,
    ];
  });
  lines.push(...formatTable(['VM', 'MOVE', 'MODE', 'WAVE', 'TX/RX Mbps', 'DIRTY MiB/s', 'ESTIMATE', 'REASON'], table).map((l) => `  ${l}`));
  const hidden = plan.migrations.length - shown.length;
  if (hidden > 0) lines.push(`  … and ${hidden} more (the run report and \`tsmig plan FILE\` list them all)`);
  lines.push('', 'CONTENTION per host (Mbps): source side = outbound, destination side = inbound');
  const hosts = options.maxHostRows === undefined ? plan.hosts : plan.hosts.slice(0, options.maxHostRows);
  lines.push(
    ...formatTable(
      ['HOST', 'SOURCE', 'DESTINATION'],
      hosts.map((h) => [h.host, h.sourceMbps.toFixed(1), h.destinationMbps.toFixed(1)]),
    ).map((l) => `  ${l}`),
  );
  const hiddenHosts = plan.hosts.length - hosts.length;
  if (hiddenHosts > 0) lines.push(`  … and ${plural(hiddenHosts, 'more host')}`);
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
