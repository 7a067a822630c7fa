// The simulator part of `npm run paper`: both experiments at full scale, in virtual time.
import { fileURLToPath } from 'node:url';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import { checkPlaybookMatches, netperfCalibration, ycsbCalibration } from './calibration.ts';
import { netperfClaims, netperfTable } from './netperf-section.ts';
import { runNetperfExperiment, type NetperfResult } from './netperf-experiment.ts';
import { seedConsistencyNotes } from './seed-consistency.ts';
import { netperfWireVariant, ycsbSensitivity } from './sensitivity.ts';
import { ycsbClaims, ycsbTable } from './ycsb-section.ts';
import { runYcsbExperiment, type YcsbResult } from './ycsb-experiment.ts';

export const NETPERF_PLAYBOOK = 'playbooks/paper-netperf-sim.yml';
export const YCSB_PLAYBOOK = 'playbooks/paper-ycsb-sim.yml';

export function loadPaperPlaybook(repoRelative: string): Playbook {
  return loadPlaybook(fileURLToPath(new URL(`../../${repoRelative}`, import.meta.url)));
}

export interface SimExperiments {
  netperf: NetperfResult[];
  ycsb: YcsbResult[];
}

/** Runs both experiments with the playbooks as committed (after checking them against the calibration). */
export async function runSimExperiments(): Promise<SimExperiments & { netperfPlaybook: Playbook; ycsbPlaybook: Playbook }> {
  const netperfPlaybook = loadPaperPlaybook(NETPERF_PLAYBOOK);
  const ycsbPlaybook = loadPaperPlaybook(YCSB_PLAYBOOK);
  checkPlaybookMatches(netperfPlaybook, netperfCalibration());
  checkPlaybookMatches(ycsbPlaybook, ycsbCalibration());
  return { netperf: await runNetperfExperiment(netperfPlaybook), ycsb: await runYcsbExperiment(ycsbPlaybook), netperfPlaybook, ycsbPlaybook };
}

export async function simSection(): Promise<string> {
  const run = await runSimExperiments();
  const wire = await netperfWireVariant(run.netperfPlaybook);
  const sensitivity = await ycsbSensitivity(run.ycsbPlaybook);
  const bullets = (lines: string[]) => lines.map((l) => (l.startsWith('- ') ? l : `- ${l}`)).join('\n');
  return [
    '## Simulator, full scale (virtual time)',
    '',
    `### Experiment 1: netperf pair, two 5 GiB VMs, 1 Gbit/s (\`${NETPERF_PLAYBOOK}\`)`,
    '',
    'Each cell: the seed\'s figure / tsmig\'s sim figure. Netperf throughput in the sim is the stream end to end over the migration window (first migration start to last end): 900 Mbit/s × the smallest achieved/demanded share among its legs (client TX, server RX, and the ACKs back), because the sim shares each NIC direction on its own and would otherwise let the server receive what the client could not send.',
    '',
    netperfTable(run.netperf),
    '',
    netperfClaims(run.netperf).join('\n'),
    '',
    'Calibration:',
    '',
    bullets(netperfCalibration().notes),
    '',
    `Variant (calibrated on one seed result, so only its pre-copy and post-copy rows are predictions): if only ${wire.memoryMib} MiB per VM crosses the wire — what 1 Gbit/s minus the ACKs carries in the seed's uncontended traffic-sensitive 48.2 s — the seconds come out as:`,
    '',
    wire.table,
    '',
    `### Experiment 2: 12 Redis servers and 4 YCSB clients on 8 hosts (\`${YCSB_PLAYBOOK}\`)`,
    '',
    'YCSB ops/s in the sim is a proxy, stated here so nobody mistakes it for a measurement: each client demands 4802 / 4 = 1200.5 ops/s, and in each stretch of constant rates it gets that × the smallest achieved/demanded share among the legs of its requests and responses (its own TX and RX, its three servers\' RX and TX); averaged over the migration window and summed over clients. "Without migration" is the same proxy over the 30 s measurement window before any migration.',
    '',
    ycsbTable(run.ycsb),
    '',
    ycsbClaims(run.ycsb).join('\n'),
    '',
    'Calibration:',
    '',
    bullets(ycsbCalibration().notes),
    '',
    'Sensitivity to what the seed does not state (each cell pre-copy / post-copy / traffic-sensitive; the headline row is client RX 900, dirty 26.2):',
    '',
    sensitivity,
    '',
    '### Where the seed\'s own figures constrain the comparison',
    '',
    seedConsistencyNotes().join('\n'),
  ].join('\n');
}
