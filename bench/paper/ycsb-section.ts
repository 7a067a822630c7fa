// Markdown for experiment 2: the seed's table (with its "without migration" column) beside tsmig's.
import type { Strategy } from '../../src/planner/types.ts';
import { fixed, markdownTable, percentChange } from './markdown-table.ts';
import { SEED_YCSB, STRATEGIES } from './seed-figures.ts';
import type { YcsbResult } from './ycsb-experiment.ts';

const BYTES_PER_GIB = 1024 ** 3;
const TITLES: Record<Strategy, string> = { 'pre-copy': 'Pre-copy', 'post-copy': 'Post-copy', 'traffic-sensitive': 'Traffic-sensitive' };

export function ycsbTable(results: readonly YcsbResult[]): string {
  const s = SEED_YCSB;
  const w = s.withoutMigration;
  const by = (st: Strategy) => results.find((r) => r.strategy === st)!;
  const row = (label: string, without: string, seed: (st: Strategy) => number, ours: (r: YcsbResult) => number, digits: number) => [
    label,
    without,
    ...STRATEGIES.map((st) => `${seed(st)} / ${fixed(ours(by(st)), digits)}`),
  ];
  return markdownTable(
    ['seed / tsmig sim', 'Without migration', ...STRATEGIES.map((st) => TITLES[st])],
    [
      row('Average migration time (s)', `${w.averageMigrationTimeS} / —`, (st) => s.averageMigrationTimeS[st], (r) => r.averageMigrationTimeS, 1),
      row('Total migration time (s)', `${w.totalMigrationTimeS} / —`, (st) => s.totalMigrationTimeS[st], (r) => r.totalMigrationTimeS, 1),
      row('Data transferred (GB = GiB)', `${w.dataTransferredGb} / —`, (st) => s.dataTransferredGb[st], (r) => r.dataTransferredBytes / BYTES_PER_GIB, 2),
      row('YCSB ops/s (sim: proxy)', `${w.ycsbOpsPerS} / ${fixed(by('pre-copy').opsPerSWithoutMigration, 0)}`, (st) => s.ycsbOpsPerS[st], (r) => r.opsPerS, 0),
      ['  sim: VMs by pre-copy / post-copy', '', ...STRATEGIES.map((st) => `${by(st).preCopyVms} / ${by(st).postCopyVms}`)],
    ],
    [1, 2, 3, 4],
  );
}

export function ycsbClaims(results: readonly YcsbResult[]): string[] {
  const s = SEED_YCSB;
  const by = (st: Strategy) => results.find((r) => r.strategy === st)!;
  const ts = by('traffic-sensitive');
  const pre = by('pre-copy');
  const post = by('post-copy');
  const holds = (ok: boolean) => (ok ? 'holds' : 'DOES NOT HOLD');
  return [
    `- TMT, traffic-sensitive vs pre-copy / post-copy: seed ${percentChange(s.totalMigrationTimeS['pre-copy'], s.totalMigrationTimeS['traffic-sensitive'])} / ${percentChange(s.totalMigrationTimeS['post-copy'], s.totalMigrationTimeS['traffic-sensitive'])}, sim ${percentChange(pre.totalMigrationTimeS, ts.totalMigrationTimeS)} / ${percentChange(post.totalMigrationTimeS, ts.totalMigrationTimeS)} — traffic-sensitive lowest: ${holds(ts.totalMigrationTimeS < pre.totalMigrationTimeS && ts.totalMigrationTimeS < post.totalMigrationTimeS)}.`,
    `- Average MT lowest for traffic-sensitive: seed yes, sim ${holds(ts.averageMigrationTimeS < pre.averageMigrationTimeS && ts.averageMigrationTimeS < post.averageMigrationTimeS)}.`,
    `- Data: post-copy lowest (seed ${s.dataTransferredGb['post-copy']} GB): sim ${holds(post.dataTransferredBytes < pre.dataTransferredBytes && post.dataTransferredBytes < ts.dataTransferredBytes)}; traffic-sensitive between: ${holds(ts.dataTransferredBytes < pre.dataTransferredBytes)}.`,
    `- YCSB ops/s vs without migration: seed pre ${percentChange(s.withoutMigration.ycsbOpsPerS, s.ycsbOpsPerS['pre-copy'])}, post ${percentChange(s.withoutMigration.ycsbOpsPerS, s.ycsbOpsPerS['post-copy'])}, TS ${percentChange(s.withoutMigration.ycsbOpsPerS, s.ycsbOpsPerS['traffic-sensitive'])}; sim pre ${percentChange(pre.opsPerSWithoutMigration, pre.opsPerS)}, post ${percentChange(pre.opsPerSWithoutMigration, post.opsPerS)}, TS ${percentChange(pre.opsPerSWithoutMigration, ts.opsPerS)}.`,
  ];
}
