// Progress as plain lines on stderr: for pipes, log files and CI (no escape codes, no redraws).
import type { EngineEvents } from '../executor/engine-events.ts';
import { formatMigrationProgress, formatPlanProgress } from './progress-format.ts';
import { plural } from '../util/plural.ts';
import { formatDurationMs, formatDurationS } from '../util/duration.ts';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export function startPlainProgress(events: EngineEvents, write: (line: string) => void, verbosity: Verbosity): () => void {
  if (verbosity === 'quiet') return events.subscribe((e) => e.type === 'warning' && write(`WARNING: ${e.message}`));
  return events.subscribe((e) => {
    switch (e.type) {
      case 'stage':
        if (e.status === 'start') write(`TASK [${e.stage}]`);
        break;
      case 'measure-start':
        write(`  ${e.host}: sampling traffic for ${formatDurationMs(e.durationMs)}`);
        break;
      case 'measure-done':
        write(`  ${e.host}: NIC tx ${e.rates.nicTxMbps.toFixed(1)} rx ${e.rates.nicRxMbps.toFixed(1)} Mbps, background tx ${e.rates.backgroundTxMbps.toFixed(1)} rx ${e.rates.backgroundRxMbps.toFixed(1)} Mbps, ${plural(e.vms.length, 'VM')}`);
        if (verbosity === 'verbose') for (const v of e.vms) write(`    ${v.vm}: tx ${v.txMbps.toFixed(1)} rx ${v.rxMbps.toFixed(1)} Mbps`);
        break;
      case 'plan-progress':
        write(`  ${formatPlanProgress(e.progress)}`);
        break;
      case 'planned':
        write(`  plan: ${plural(e.plan.migrations.length, 'migration')} in ${plural(e.plan.waves, 'wave')}, contention ${e.plan.contentionMbps.toFixed(1)} Mbps`);
        break;
      case 'wave-start':
        write(`  wave ${e.wave + 1}: ${e.vms.join(', ')}`);
        break;
      case 'migration-start':
        write(`  ${e.vm}: ${e.from} -> ${e.to} ${e.mode}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`);
        break;
      case 'migration-progress':
        if (verbosity === 'verbose') write(`    ${e.vm}: ${formatMigrationProgress(e.progress)}`);
        break;
      case 'migration-retry':
        write(`  ${e.vm}: attempt ${e.attempt} failed: ${e.error}; retrying in ${formatDurationMs(e.delayMs)}`);
        break;
      case 'migration-end': {
        const r = e.record;
        const what = r.status === 'failed' ? `FAILED: ${r.error ?? ''}` : `${r.status} in ${r.duration_s === null ? '?' : formatDurationS(r.duration_s)}`;
        write(`  ${r.vm}: ${what}${r.vm_on ? ` (running on ${r.vm_on})` : ''}`);
        break;
      }
      case 'warning':
        write(`WARNING: ${e.message}`);
        break;
      case 'info':
        if (verbosity === 'verbose') write(`  ${e.message}`);
        break;
    }
  });
}
