// Brute force is out of reach at these sizes: the planner's Pareto programme is checked against an
// independent formulation (test/support/pair-knapsack-oracle.ts), exact for integer rates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { randomPlanInput } from '../support/random-instances.ts';
import { pairsKnapsackOptimum } from '../support/pair-knapsack-oracle.ts';
import { keyOfPlan, type PlanKey } from '../../src/planner/objective.ts';
import type { PlanInput } from '../../src/planner/types.ts';

function planKey(input: PlanInput): PlanKey {
  const plan = planMigrations(input);
  assert.equal(plan.provenOptimal, true);
  return keyOfPlan(plan);
}

test('200 VMs on one pair: same optimum as the knapsack formulation (4 seeds)', () => {
  for (let seed = 1; seed <= 4; seed++) {
    const input = randomPlanInput(seed, { vms: 200, sources: 1, destinations: 1, integerRates: true, backgroundMbps: seed * 300 });
    assert.deepEqual(planKey(input), pairsKnapsackOptimum(input), `seed ${seed}`);
  }
});

test('1,000 VMs over 10 pairs: same optimum and tie-breaks as the knapsack formulation', () => {
  // One seed: the bench compares more sizes side by side.
  for (let seed = 1; seed <= 1; seed++) {
    const input = randomPlanInput(seed, { vms: 1000, sources: 10, destinations: 10, pairs: true, integerRates: true, backgroundMbps: 2000 });
    assert.deepEqual(planKey(input), pairsKnapsackOptimum(input), `seed ${seed}`);
  }
});

test('lopsided pairs (tx ≫ rx on one, rx ≫ tx on the other) match too', () => {
  const input = randomPlanInput(7, { vms: 120, sources: 2, destinations: 2, pairs: true, integerRates: true });
  input.vms.forEach((v, i) => {
    if (i % 2 === 0) v.rxMbps = Math.floor(v.rxMbps / 10);
    else v.txMbps = Math.floor(v.txMbps / 10);
  });
  assert.deepEqual(planKey(input), pairsKnapsackOptimum(input));
});

test('a coupled group beyond the search budget still gets a valid plan, flagged unproven with a lower bound', () => {
  // One host drained to any of three with capacity: 4 options per VM, 30 VMs. A short limit: the
  // plan must be valid and its bound close whether or not the search had time to finish.
  const input = randomPlanInput(42, { vms: 30, sources: 1, destinations: 3, candidates: 3, capacitySlack: 1.5, residents: 3 });
  const plan = planMigrations(input, { timeLimitMs: 1000 });
  assert.equal(plan.migrations.length, 30);
  assert.ok(plan.contentionLowerBoundMbps! <= plan.contentionMbps + 1e-9);
  if (!plan.provenOptimal) assert.ok(plan.contentionLowerBoundMbps! > 0.9 * plan.contentionMbps, `gap too wide: ${plan.contentionLowerBoundMbps} vs ${plan.contentionMbps}`);
});

test('a drain to any host under a busier host elsewhere: every stage at its lower bound, proven without the exact search', () => {
  // 60 moves (beyond the exact search) to any of 12 hosts with capacity; a host that moves nothing
  // already carries more than any choice can add, so the contention is that host's, and the best
  // plan sends each VM by its lighter side wherever it fits.
  const input = randomPlanInput(3, { vms: 60, sources: 3, destinations: 12, candidates: 12, capacitySlack: 1.5, residents: 24, backgroundMbps: 300 });
  input.hosts.push({ host: 'busy', nicMbps: 100_000, backgroundTxMbps: 50_000, backgroundRxMbps: 0 });
  const plan = planMigrations(input);
  assert.equal(plan.provenOptimal, true);
  assert.equal(plan.migrations.length, 60);
  const vmOf = new Map(input.vms.map((v) => [v.vm, v]));
  const lightest = input.moves.reduce((s, m) => s + Math.min(vmOf.get(m.vm)!.txMbps, vmOf.get(m.vm)!.rxMbps), 0);
  const forcedPostCopies = input.moves.filter((m) => vmOf.get(m.vm)!.rxMbps < vmOf.get(m.vm)!.txMbps).length;
  assert.deepEqual(keyOfPlan(plan), { contentionMbps: 50_000, contendingTrafficMbps: keyOfPlan(plan).contendingTrafficMbps, postCopies: forcedPostCopies });
  assert.ok(Math.abs(keyOfPlan(plan).contendingTrafficMbps - lightest) < 1e-6);
  for (const h of input.hosts) {
    if (h.memoryMib === undefined) continue;
    const mib = input.vms.filter((v) => v.host === h.host || plan.migrations.some((m) => m.vm === v.vm && m.to === h.host)).reduce((s, v) => s + v.memoryMib, 0);
    assert.ok(mib <= h.memoryMib, `${h.host}: ${mib} MiB > ${h.memoryMib}`);
  }
});
