// Experiment 1 on the sim: each strategy's total migration time, data moved and netperf throughput.
import type { Strategy } from '../../src/planner/types.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import { runSimStrategy } from './run-sim-strategy.ts';
import { STRATEGIES } from './seed-figures.ts';
import { transferShare, type TrafficLeg } from './transfer-share.ts';
import { averageOverWindow } from './window-average.ts';

const CLIENT = 'netperf-client';
const SERVER = 'netperf-server';

export interface NetperfResult {
  strategy: Strategy;
  totalMigrationTimeS: number;
  dataTransferredBytes: number;
  /** The netperf stream end to end: demanded rate × the smallest share among its legs. */
  netperfMbps: number;
  /** What each end achieved on its own (the sim does not couple them). */
  clientTxMbps: number;
  serverRxMbps: number;
  modes: Record<string, string>;
}

export async function runNetperfExperiment(playbook: Playbook): Promise<NetperfResult[]> {
  const spec = (vm: string) => playbook.inventory.hosts.flatMap((h) => h.simVms).find((v) => v.name === vm)!;
  const streamMbps = spec(CLIENT).txMbps;
  const legs: TrafficLeg[] = [
    { vms: [CLIENT], dir: 'tx', demandMbps: streamMbps },
    { vms: [SERVER], dir: 'rx', demandMbps: spec(SERVER).rxMbps },
    { vms: [SERVER], dir: 'tx', demandMbps: spec(SERVER).txMbps },
    { vms: [CLIENT], dir: 'rx', demandMbps: spec(CLIENT).rxMbps },
  ];
  const results: NetperfResult[] = [];
  for (const strategy of STRATEGIES) {
    const run = await runSimStrategy(playbook, strategy);
    const avg = (metric: Parameters<typeof averageOverWindow>[3]) => averageOverWindow(run.segments, run.migrationFromMs, run.migrationToMs, metric);
    results.push({
      strategy,
      totalMigrationTimeS: run.report.summary.total_migration_time_s,
      dataTransferredBytes: run.report.summary.data_transferred_bytes,
      netperfMbps: avg((r) => streamMbps * transferShare(r, legs)),
      clientTxMbps: avg((r) => r.get(CLIENT)?.txMbps ?? 0),
      serverRxMbps: avg((r) => r.get(SERVER)?.rxMbps ?? 0),
      modes: Object.fromEntries(run.report.plan.migrations.map((m) => [m.vm, m.mode])),
    });
  }
  return results;
}
