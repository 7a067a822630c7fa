// Planning that stops: the time limit holds (an unproven plan with its gap), an AbortSignal ends
// it with exit 99, and progress reaches the callback. Time is the planner's injected clock here,
// so the assertions hold on a busy machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMigrations, planMigrationsAsync } from '../../src/planner/plan-migrations.ts';
import { planConvergentMigrations, planConvergentMigrationsAsync } from '../../src/planner/plan-convergent.ts';
import { InterruptedError } from '../../src/errors.ts';
import { hostContention, maxContentionMbps } from '../../src/planner/contention.ts';
import { randomPlanInput } from '../support/random-instances.ts';
import type { PlanProgress } from '../../src/planner/plan-pace.ts';

const large = () => randomPlanInput(11, { vms: 60, sources: 4, destinations: 8, candidates: 8, capacitySlack: 1.3, residents: 20, backgroundMbps: 300 });

test('a short time limit on a large coupled drain: every VM placed, unproven, with a lower bound and a gap', () => {
  const input = large();
  const plan = planMigrations(input, { timeLimitMs: 200 });
  assert.equal(plan.migrations.length, input.moves.length);
  assert.equal(plan.provenOptimal, false);
  assert.ok(plan.contentionLowerBoundMbps! > 0 && plan.contentionLowerBoundMbps! <= plan.contentionMbps + 1e-6);
  assert.ok(plan.contentionGap! > 0 && plan.contentionGap! < 1);
  assert.equal(plan.contentionMbps, maxContentionMbps(hostContention(input.hosts, input.vms, plan.migrations)));
});

test('the time limit is read from the clock it is given: a clock past the limit stops the search at its first look', () => {
  let now = 0;
  // Each look at the clock moves it 10 ms: a 50 ms limit allows only a few slices of work.
  const plan = planMigrations(large(), { timeLimitMs: 50, nowMs: () => (now += 10) });
  assert.equal(plan.provenOptimal, false);
  assert.ok(now < 100_000, `the search kept looking at the clock long after its limit (${now} ms)`);
});

test('an AbortSignal ends planning with InterruptedError (exit 99); progress reached the callback first', async () => {
  const controller = new AbortController();
  const seen: PlanProgress[] = [];
  let now = 0;
  const planning = planMigrationsAsync(large(), {
    timeLimitMs: 1_000_000,
    // A fast clock: progress is due after one simulated second, and each look advances 20 ms.
    nowMs: () => (now += 20),
    onProgress: (p) => {
      seen.push(p);
      if (seen.length === 2) controller.abort();
    },
    signal: controller.signal,
  });
  await assert.rejects(planning, (e: unknown) => e instanceof InterruptedError && e.exitCode === 99);
  assert.ok(seen.length >= 2);
  assert.ok(seen.every((p) => p.moves > 0 && p.lowerBoundMbps >= 0));
});

test('the asynchronous planner gives the same plan as the synchronous one when it finishes', async () => {
  const input = randomPlanInput(5, { vms: 9, sources: 3, destinations: 3, overlap: true, residents: 3 });
  assert.deepEqual(await planMigrationsAsync(input), planMigrations(input));
});

test('the convergence rule plans without blocking too: same plan as the synchronous one, and an AbortSignal ends it', async () => {
  const input = randomPlanInput(5, { vms: 9, sources: 3, destinations: 3, overlap: true, residents: 3 });
  assert.deepEqual(await planConvergentMigrationsAsync(input), planConvergentMigrations(input));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(planConvergentMigrationsAsync(large(), { signal: controller.signal }), (e: unknown) => e instanceof InterruptedError);
});
