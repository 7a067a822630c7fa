// How the sim's answer moves with the choices the seed does not pin down: experiment 1's memory
// on the wire, experiment 2's traffic volume and dirty rate.
import type { Strategy } from '../../src/planner/types.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import { netperfCalibration, netperfWireMemoryMib, withCalibration, YCSB_CLIENT_RX_MBPS, ycsbCalibration } from './calibration.ts';
import { fixed, markdownTable } from './markdown-table.ts';
import { runNetperfExperiment } from './netperf-experiment.ts';
import { SEED_NETPERF, STRATEGIES } from './seed-figures.ts';
import { runYcsbExperiment } from './ycsb-experiment.ts';

const BYTES_PER_GIB = 1024 ** 3;
const CLIENT_RX_MBPS = [300, 600, YCSB_CLIENT_RX_MBPS];
const DIRTY_SCALES = [0.5, 1];
const seedTmt = (st: Strategy) => SEED_NETPERF.totalMigrationTimeS[st];
const seedNetperf = (st: Strategy) => SEED_NETPERF.netperfMbps[st];

/** Experiment 1 with the memory that crosses the wire taken from the seed's traffic-sensitive time. */
export async function netperfWireVariant(playbook: Playbook): Promise<{ memoryMib: number; table: string }> {
  const memoryMib = netperfWireMemoryMib();
  const base = netperfCalibration();
  for (const vm of base.vms.values()) vm.memoryMib = memoryMib;
  const results = await runNetperfExperiment(withCalibration(playbook, base));
  const table = markdownTable(
    ['strategy', 'TMT seed (s)', 'TMT sim (s)', 'netperf seed (Mbit/s)', 'netperf sim (Mbit/s)'],
    results.map((r) => [r.strategy, String(seedTmt(r.strategy)), fixed(r.totalMigrationTimeS, 1), String(seedNetperf(r.strategy)), fixed(r.netperfMbps, 0)]),
    [1, 2, 3, 4],
  );
  return { memoryMib, table };
}

export async function ycsbSensitivity(playbook: Playbook): Promise<string> {
  const rows: string[][] = [];
  for (const clientRxMbps of CLIENT_RX_MBPS) {
    for (const dirtyScale of DIRTY_SCALES) {
      const calibration = ycsbCalibration(clientRxMbps, dirtyScale);
      const results = await runYcsbExperiment(withCalibration(playbook, calibration));
      const cell = (f: (r: (typeof results)[number]) => string) => STRATEGIES.map((st) => f(results.find((r) => r.strategy === st)!)).join(' / ');
      rows.push([
        `${clientRxMbps}`,
        fixed(calibration.vms.get('redis-1')!.dirtyMibPerS, 1),
        cell((r) => fixed(r.totalMigrationTimeS, 0)),
        cell((r) => fixed(r.averageMigrationTimeS, 0)),
        cell((r) => fixed(r.dataTransferredBytes / BYTES_PER_GIB, 1)),
        cell((r) => fixed(r.opsPerS, 0)),
      ]);
    }
  }
  return markdownTable(
    ['client RX (Mbit/s)', 'dirty (MiB/s)', 'TMT pre / post / TS (s)', 'avg MT (s)', 'data (GiB)', 'ops/s'],
    rows,
    [0, 1, 2, 3, 4, 5],
  );
}
