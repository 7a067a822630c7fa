// Markdown for experiment 1: the seed's table with tsmig's sim figures beside each number.
import type { Strategy } from '../../src/planner/types.ts';
import { fixed, markdownTable, percentChange } from './markdown-table.ts';
import type { NetperfResult } from './netperf-experiment.ts';
import { SEED_NETPERF, STRATEGIES } from './seed-figures.ts';

const BYTES_PER_MIB = 1024 * 1024;
const TITLES: Record<Strategy, string> = { 'pre-copy': 'Pre-copy', 'post-copy': 'Post-copy', 'traffic-sensitive': 'Traffic-sensitive' };

export function netperfTable(results: readonly NetperfResult[]): string {
  const s = SEED_NETPERF;
  const by = (st: Strategy) => results.find((r) => r.strategy === st)!;
  const row = (label: string, seed: (st: Strategy) => number, ours: (r: NetperfResult) => number, digits: number) => [
    label,
    ...STRATEGIES.map((st) => `${seed(st)} / ${fixed(ours(by(st)), digits)}`),
  ];
  return markdownTable(
    ['seed / tsmig sim', ...STRATEGIES.map((st) => TITLES[st])],
    [
      row('Total migration time (s)', (st) => s.totalMigrationTimeS[st], (r) => r.totalMigrationTimeS, 1),
      row('Data transferred (MB = MiB)', (st) => s.dataTransferredMb[st], (r) => r.dataTransferredBytes / BYTES_PER_MIB, 0),
      row('Netperf throughput (Mbit/s)', (st) => s.netperfMbps[st], (r) => r.netperfMbps, 1),
      ['  sim: client TX / server RX achieved', ...STRATEGIES.map((st) => `${fixed(by(st).clientTxMbps, 0)} / ${fixed(by(st).serverRxMbps, 0)}`)],
      ['  modes (client, server)', ...STRATEGIES.map((st) => `${by(st).modes['netperf-client']}, ${by(st).modes['netperf-server']}`)],
    ],
    [1, 2, 3],
  );
}

export function netperfClaims(results: readonly NetperfResult[]): string[] {
  const s = SEED_NETPERF;
  const by = (st: Strategy) => results.find((r) => r.strategy === st)!;
  const ts = by('traffic-sensitive');
  const tmtLower = ts.totalMigrationTimeS < by('pre-copy').totalMigrationTimeS && ts.totalMigrationTimeS < by('post-copy').totalMigrationTimeS;
  const perfHighest = ts.netperfMbps > by('pre-copy').netperfMbps && ts.netperfMbps > by('post-copy').netperfMbps;
  const pct = (from: number, to: number) => percentChange(from, to);
  return [
    `- TMT, traffic-sensitive vs pre-copy / post-copy: seed ${pct(s.totalMigrationTimeS['pre-copy'], s.totalMigrationTimeS['traffic-sensitive'])} / ${pct(s.totalMigrationTimeS['post-copy'], s.totalMigrationTimeS['traffic-sensitive'])} (it prints 42 % and 49 %), sim ${pct(by('pre-copy').totalMigrationTimeS, ts.totalMigrationTimeS)} / ${pct(by('post-copy').totalMigrationTimeS, ts.totalMigrationTimeS)} — traffic-sensitive lowest: ${tmtLower ? 'holds' : 'DOES NOT HOLD'}.`,
    `- Netperf, traffic-sensitive vs pre-copy / post-copy: seed ${pct(s.netperfMbps['pre-copy'], s.netperfMbps['traffic-sensitive'])} / ${pct(s.netperfMbps['post-copy'], s.netperfMbps['traffic-sensitive'])}, sim ${pct(by('pre-copy').netperfMbps, ts.netperfMbps)} / ${pct(by('post-copy').netperfMbps, ts.netperfMbps)} — traffic-sensitive highest: ${perfHighest ? 'holds' : 'DOES NOT HOLD'}.`,
    `- Pre-copy vs post-copy TMT: seed ${pct(s.totalMigrationTimeS['pre-copy'], s.totalMigrationTimeS['post-copy'])} (post-copy slower), sim ${pct(by('pre-copy').totalMigrationTimeS, by('post-copy').totalMigrationTimeS)}.`,
  ];
}
