import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationRatesMbps } from '../../src/planner/max-min-share.ts';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { AUTO_CONVERGE_FACTOR, MIGRATION_SETUP_S, mibPerSecond, postCopyDurationS, preCopyDurationS } from '../../src/planner/time-model.ts';
import { seedExample } from './planner-seed-example.ts';

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, expected), `${what}: ${actual} vs ${expected}`);

test('unit conversion: 1000 Mbps is 119.2 MiB/s', () => {
  close(mibPerSecond(1000), 1e9 / 8 / 1048576, 'MiB/s');
});

test('post-copy sends memory once', () => {
  const perS = mibPerSecond(400);
  close(postCopyDurationS({ memoryMib: 4096, dirtyMibPerS: 500, maxDowntimeMs: 300 }, 400), MIGRATION_SETUP_S + 4096 / perS, 'post-copy');
});

test('pre-copy without dirtying is one round', () => {
  const perS = mibPerSecond(800);
  close(preCopyDurationS({ memoryMib: 2048, dirtyMibPerS: 0, maxDowntimeMs: 300 }, 800), MIGRATION_SETUP_S + 2048 / perS, 'pre-copy');
});

test('pre-copy rounds by hand: each round resends what the previous dirtied, then stop-and-copy', () => {
  // 100 MiB/s link, 1000 MiB, 20 MiB/s dirty, 300 ms: rounds of 10 s, 2 s, 0.4 s; 8 MiB left
  // takes 80 ms ≤ 300 ms, so stop and copy.
  const rateMbps = (100 * 1048576 * 8) / 1e6;
  close(preCopyDurationS({ memoryMib: 1000, dirtyMibPerS: 20, maxDowntimeMs: 300 }, rateMbps), MIGRATION_SETUP_S + 10 + 2 + 0.4 + 0.08, 'rounds');
});

test('pre-copy that cannot converge is predicted never to finish', () => {
  const rateMbps = (100 * 1048576 * 8) / 1e6;
  // Dirtying as fast as the link: every round resends the whole memory.
  assert.equal(preCopyDurationS({ memoryMib: 1000, dirtyMibPerS: 100, maxDowntimeMs: 300 }, rateMbps), Infinity);
  assert.equal(preCopyDurationS({ memoryMib: 1000, dirtyMibPerS: 150, maxDowntimeMs: 300 }, rateMbps), Infinity);
});

test('auto-converge throttles the guest each round until the rest fits in the downtime', () => {
  const rateMbps = (100 * 1048576 * 8) / 1e6;
  // 100 MiB/s link, 1000 MiB dirtying 150 MiB/s: rounds of 10 s (all memory dirtied again),
  // then the guest at 150·0.7 = 105, 73.5, ... MiB/s until a round's dirt takes ≤ 300 ms.
  let expectedS = MIGRATION_SETUP_S;
  let toSend = 1000;
  for (let round = 1; ; round++) {
    const roundS = toSend / 100;
    expectedS += roundS;
    const dirtied = Math.min(1000, 150 * Math.pow(AUTO_CONVERGE_FACTOR, round - 1) * roundS);
    if (dirtied / 100 <= 0.3) {
      expectedS += dirtied / 100;
      break;
    }
    toSend = dirtied;
  }
  const actual = preCopyDurationS({ memoryMib: 1000, dirtyMibPerS: 150, maxDowntimeMs: 300, autoConverge: true }, rateMbps);
  close(actual, expectedS, 'auto-converge');
  assert.ok(actual < 120, `converges in ${actual} s`);
});

test('max-min fair share by hand: app flows below the share kept whole, the tightest link decides', () => {
  // Link 0 (a TX): app flows 300 and 50 stay whole (both under the share), streams (1000-350)/2 = 325.
  // Link 1 (b RX): app flow 400 and two streams: 1000/3 = 333.3 each. The streams get 325.
  const rates = migrationRatesMbps(
    [
      { capacityMbps: 1000, applicationDemandsMbps: [300, 50] },
      { capacityMbps: 1000, applicationDemandsMbps: [400] },
    ],
    [
      { sourceLink: 0, destinationLink: 1 },
      { sourceLink: 0, destinationLink: 1 },
    ],
  );
  close(rates[0]!, 325, 'stream 0');
  close(rates[1]!, 325, 'stream 1');
});

test('a stream bottlenecked elsewhere leaves its share to the others (progressive filling)', () => {
  // Stream 0: link 0 → link 1; stream 1: link 0 → link 2. Link 2 has room for 100 only.
  const rates = migrationRatesMbps(
    [
      { capacityMbps: 1000, applicationDemandsMbps: [] },
      { capacityMbps: 1000, applicationDemandsMbps: [] },
      { capacityMbps: 100, applicationDemandsMbps: [] },
    ],
    [
      { sourceLink: 0, destinationLink: 1 },
      { sourceLink: 0, destinationLink: 2 },
    ],
  );
  close(rates[1]!, 100, 'bottlenecked');
  close(rates[0]!, 900, 'gets the rest');
});

test('the plan estimates every migration and sums waves', () => {
  const input = seedExample();
  input.limits.maxParallel = 1;
  const plan = planMigrations(input);
  assert.equal(plan.waves, 2);
  // Alone in its wave, each stream shares a's TX or b's RX only with its own VM's flow at most.
  for (const m of plan.migrations) assert.ok(m.estimatedDurationS! > MIGRATION_SETUP_S);
  close(plan.estimatedTotalTimeS!, plan.waveSummaries!.reduce((s, w) => s + w.estimatedDurationS, 0), 'total');
  close(plan.estimatedTotalTimeS!, plan.migrations.reduce((s, m) => s + m.estimatedDurationS!, 0), 'one per wave');
});

test("objective 'time' never estimates longer than objective 'contention'", () => {
  for (const dirty of [0, 50, 400]) {
    const input = seedExample();
    input.vms.forEach((v) => (v.dirtyMibPerS = dirty));
    const byContention = planMigrations(input);
    const byTime = planMigrations({ ...input, objective: 'time' });
    assert.ok(byTime.estimatedTotalTimeS! <= byContention.estimatedTotalTimeS! + 1e-9, `dirty ${dirty}`);
  }
});

test("objective 'time' prefers post-copy when pre-copy cannot converge", () => {
  const input = seedExample();
  input.vms.forEach((v) => (v.dirtyMibPerS = 2000));
  const plan = planMigrations({ ...input, objective: 'time' });
  assert.deepEqual(plan.migrations.map((m) => m.mode), ['post-copy', 'post-copy']);
});
