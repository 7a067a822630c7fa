import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSimExperiments } from '../../bench/paper/sim-section.ts';
import type { Strategy } from '../../src/planner/types.ts';

// The paper reproduction (`npm run paper`) on the committed playbooks: the seed's orderings must hold.
const experiments = runSimExperiments();
const pick = <T extends { strategy: Strategy }>(rows: T[], strategy: Strategy): T => rows.find((r) => r.strategy === strategy)!;

test('experiment 1 (netperf pair): traffic-sensitive has the lowest total migration time and the highest netperf throughput', async () => {
  const { netperf } = await experiments;
  const [pre, post, ts] = (['pre-copy', 'post-copy', 'traffic-sensitive'] as const).map((s) => pick(netperf, s));
  assert.deepEqual(ts!.modes, { 'netperf-client': 'post-copy', 'netperf-server': 'pre-copy' });
  assert.ok(ts!.totalMigrationTimeS < pre!.totalMigrationTimeS, `TS ${ts!.totalMigrationTimeS} s vs pre-copy ${pre!.totalMigrationTimeS} s`);
  assert.ok(ts!.totalMigrationTimeS < post!.totalMigrationTimeS, `TS ${ts!.totalMigrationTimeS} s vs post-copy ${post!.totalMigrationTimeS} s`);
  assert.ok(ts!.netperfMbps > pre!.netperfMbps, `netperf TS ${ts!.netperfMbps} vs pre-copy ${pre!.netperfMbps} Mbit/s`);
  assert.ok(ts!.netperfMbps > post!.netperfMbps, `netperf TS ${ts!.netperfMbps} vs post-copy ${post!.netperfMbps} Mbit/s`);
});

test('experiment 2 (Redis/YCSB, 8 hosts): traffic-sensitive has the lowest total migration time, post-copy moves the least data', async () => {
  const { ycsb } = await experiments;
  const [pre, post, ts] = (['pre-copy', 'post-copy', 'traffic-sensitive'] as const).map((s) => pick(ycsb, s));
  // Clients (mostly receiving) go by pre-copy, servers (mostly sending) by post-copy.
  assert.equal(ts!.preCopyVms, 4);
  assert.equal(ts!.postCopyVms, 12);
  assert.ok(ts!.totalMigrationTimeS < pre!.totalMigrationTimeS, `TS ${ts!.totalMigrationTimeS} s vs pre-copy ${pre!.totalMigrationTimeS} s`);
  assert.ok(ts!.totalMigrationTimeS < post!.totalMigrationTimeS, `TS ${ts!.totalMigrationTimeS} s vs post-copy ${post!.totalMigrationTimeS} s`);
  assert.ok(post!.dataTransferredBytes < pre!.dataTransferredBytes, 'post-copy moves less data than pre-copy');
  assert.ok(post!.dataTransferredBytes < ts!.dataTransferredBytes, 'post-copy moves less data than traffic-sensitive');
  assert.ok(Math.abs(ts!.opsPerSWithoutMigration - 4802) < 1, 'the ops/s proxy gives the seed\'s 4802 without migration');
});
