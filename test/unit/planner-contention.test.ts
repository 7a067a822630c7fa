import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentionOfCurrentPlacement, contentionWithAllPreCopy, hostContention, maxContentionMbps } from '../../src/planner/contention.ts';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { seedExample } from './planner-seed-example.ts';

test("seed example: the seed's two combinations cost 500 and 400 Mbps", () => {
  const input = seedExample();
  const both = hostContention(input.hosts, input.vms, [
    { vm: 'VM1', from: 'a', to: 'b', mode: 'pre-copy' },
    { vm: 'VM2', from: 'a', to: 'b', mode: 'pre-copy' },
  ]);
  assert.equal(maxContentionMbps(both), 500);
  const mixed = hostContention(input.hosts, input.vms, [
    { vm: 'VM1', from: 'a', to: 'b', mode: 'post-copy' },
    { vm: 'VM2', from: 'a', to: 'b', mode: 'pre-copy' },
  ]);
  assert.deepEqual(mixed, [
    { host: 'a', sourceMbps: 300, destinationMbps: 0 },
    { host: 'b', sourceMbps: 0, destinationMbps: 400 },
  ]);
});

test('seed example: the planner picks VM1 post-copy, VM2 pre-copy, 400 Mbps', () => {
  const plan = planMigrations(seedExample());
  assert.equal(plan.contentionMbps, 400);
  assert.deepEqual(
    plan.migrations.map((m) => [m.vm, m.mode]),
    [
      ['VM1', 'post-copy'],
      ['VM2', 'pre-copy'],
    ],
  );
  assert.equal(plan.provenOptimal, true);
  assert.deepEqual(plan.hosts, [
    { host: 'a', sourceMbps: 300, destinationMbps: 0 },
    { host: 'b', sourceMbps: 0, destinationMbps: 400 },
  ]);
});

test('staying VMs and background count on both sides; pre-copy leavers at the source, post-copy arrivals at the destination', () => {
  const input = seedExample();
  input.hosts[0]!.backgroundTxMbps = 10;
  input.hosts[1]!.backgroundRxMbps = 20;
  input.vms.push({ vm: 'stay-a', host: 'a', txMbps: 1, rxMbps: 2, memoryMib: 1 }, { vm: 'stay-b', host: 'b', txMbps: 4, rxMbps: 8, memoryMib: 1 });
  const hosts = hostContention(input.hosts, input.vms, [
    { vm: 'VM1', from: 'a', to: 'b', mode: 'post-copy' },
    { vm: 'VM2', from: 'a', to: 'b', mode: 'pre-copy' },
  ]);
  assert.deepEqual(hosts, [
    { host: 'a', sourceMbps: 10 + 1 + 300, destinationMbps: 2 },
    { host: 'b', sourceMbps: 4, destinationMbps: 20 + 8 + 400 },
  ]);
});

test('before planning: current placement and all-pre-copy', () => {
  const input = seedExample();
  assert.deepEqual(contentionOfCurrentPlacement(input), [
    { host: 'a', sourceMbps: 500, destinationMbps: 900 },
    { host: 'b', sourceMbps: 0, destinationMbps: 0 },
  ]);
  assert.equal(maxContentionMbps(contentionWithAllPreCopy(input)), 500);
});

test('the plan reports host contention as the shared model computes it', () => {
  const input = seedExample();
  input.vms.push({ vm: 'VM3', host: 'b', txMbps: 50, rxMbps: 70, memoryMib: 1024 });
  input.moves.push({ vm: 'VM3', from: 'b', to: ['a'], postcopyAllowed: true });
  const plan = planMigrations(input);
  const recomputed = hostContention(input.hosts, input.vms, plan.migrations);
  assert.deepEqual(plan.hosts, recomputed);
  assert.equal(plan.contentionMbps, maxContentionMbps(recomputed));
});
