// Experiment 2 on the sim: average and total migration time, data moved, and YCSB ops/s by proxy:
// each client's share of its 1200.5 ops/s is the smallest achieved/demanded share among the legs
// of its requests and responses (its own TX and RX, its servers' RX and TX), segment by segment.
import type { Strategy } from '../../src/planner/types.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import { runSimStrategy } from './run-sim-strategy.ts';
import { STRATEGIES } from './seed-figures.ts';
import { transferShare, type TrafficLeg } from './transfer-share.ts';
import { averageOverWindow, type SegmentRates } from './window-average.ts';
import { ycsbClients } from './ycsb-topology.ts';

export interface YcsbResult {
  strategy: Strategy;
  averageMigrationTimeS: number;
  totalMigrationTimeS: number;
  dataTransferredBytes: number;
  opsPerS: number;
  /** The same proxy over the measurement window before any migration started. */
  opsPerSWithoutMigration: number;
  preCopyVms: number;
  postCopyVms: number;
}

export async function runYcsbExperiment(playbook: Playbook, strategies: readonly Strategy[] = STRATEGIES): Promise<YcsbResult[]> {
  const opsPerS = ycsbOpsProxy(playbook);
  const results: YcsbResult[] = [];
  for (const strategy of strategies) {
    const run = await runSimStrategy(playbook, strategy);
    const moved = run.report.migrations;
    results.push({
      strategy,
      averageMigrationTimeS: moved.reduce((s, m) => s + (m.duration_s ?? 0), 0) / moved.length,
      totalMigrationTimeS: run.report.summary.total_migration_time_s,
      dataTransferredBytes: run.report.summary.data_transferred_bytes,
      opsPerS: averageOverWindow(run.segments, run.migrationFromMs, run.migrationToMs, opsPerS),
      opsPerSWithoutMigration: averageOverWindow(run.segments, 0, run.migrationFromMs, opsPerS),
      preCopyVms: moved.filter((m) => m.mode === 'pre-copy').length,
      postCopyVms: moved.filter((m) => m.mode === 'post-copy').length,
    });
  }
  return results;
}

function ycsbOpsProxy(playbook: Playbook): (rates: SegmentRates) => number {
  const specs = new Map(playbook.inventory.hosts.flatMap((h) => h.simVms.map((v) => [v.name, v] as const)));
  const demand = (vms: string[], dir: 'tx' | 'rx') => vms.reduce((s, vm) => s + ((dir === 'tx' ? specs.get(vm)?.txMbps : specs.get(vm)?.rxMbps) ?? 0), 0);
  const clients = ycsbClients().map((c) => {
    const leg = (vms: string[], dir: 'tx' | 'rx'): TrafficLeg => ({ vms, dir, demandMbps: demand(vms, dir) });
    return { ...c, legs: [leg([c.vm], 'tx'), leg(c.servers, 'rx'), leg(c.servers, 'tx'), leg([c.vm], 'rx')] };
  });
  return (rates) => clients.reduce((sum, c) => sum + c.demandOpsPerS * transferShare(rates, c.legs), 0);
}
