// One line describing a running migration, shared by the live and the plain renderers.
import type { PlanProgress } from '../planner/plan-pace.ts';
import type { MigrationProgress } from '../drivers/driver.ts';

export function formatMigrationProgress(p: MigrationProgress): string {
  const done = p.memoryTotalBytes > 0 ? Math.min(100, (100 * p.transferredBytes) / p.memoryTotalBytes) : 0;
  const remainingMib = p.memoryRemainingBytes / (1024 * 1024);
  const round = p.phase === 'pre-copy' ? ` round ${p.iteration}` : '';
  return `${p.phase}${round}: ${done.toFixed(0)}% of memory sent, ${p.rateMbps.toFixed(0)} Mbps, ${remainingMib.toFixed(0)} MiB left in this phase`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(i === 0 ? 0 : 2)} ${units[i]}`;
}

/** One line while planning runs long: which coupled group, the best contention so far, its bound and gap. */
export function formatPlanProgress(p: PlanProgress): string {
  const group = p.groups > 1 ? `group ${p.group}/${p.groups}, ` : '';
  const best = p.incumbentMbps === undefined ? 'searching' : `best ${p.incumbentMbps.toFixed(1)} Mbps`;
  const gap = p.gap === undefined || !Number.isFinite(p.gap) ? '' : `, gap ${(100 * p.gap).toFixed(2)} %`;
  return `planning ${(p.elapsedMs / 1000).toFixed(1)}s: ${group}${p.moves} coupled moves, ${best}, lower bound ${p.lowerBoundMbps.toFixed(1)} Mbps${gap}`;
}
