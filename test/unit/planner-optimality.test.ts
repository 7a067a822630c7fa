import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bruteForcePlan } from '../support/brute-force.ts';
import { hostContention, maxContentionMbps } from '../../src/planner/contention.ts';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { comparePlanKeys, keyOfPlan } from '../../src/planner/objective.ts';
import { PlanInfeasibleError } from '../../src/planner/plan-infeasible-error.ts';
import { randomPlanInput, type RandomInstanceShape } from '../support/random-instances.ts';
import type { PlanInput, Strategy } from '../../src/planner/types.ts';

const SHAPES: Array<[string, RandomInstanceShape]> = [
  ['one pair', { vms: 10, sources: 1, destinations: 1 }],
  ['one pair, integer rates, background, residents', { vms: 10, sources: 1, destinations: 1, integerRates: true, backgroundMbps: 800, residents: 2 }],
  ['several pairs', { vms: 10, sources: 3, destinations: 3, pairs: true, backgroundMbps: 300 }],
  ['shared destinations', { vms: 10, sources: 3, destinations: 2 }],
  ['one destination, many sources, integer rates', { vms: 10, sources: 4, destinations: 1, integerRates: true }],
  ['hosts both source and destination', { vms: 9, sources: 3, destinations: 3, overlap: true, residents: 3, backgroundMbps: 200 }],
  // 6 VMs: the brute force's 6^n combinations dominate this file's time; 6 still couple every move.
  ['destination choice', { vms: 6, sources: 2, destinations: 3, candidates: 3 }],
  ['destination choice with capacity', { vms: 7, sources: 2, destinations: 3, candidates: 2, capacitySlack: 1.3 }],
  ['destination choice with tight capacity, integer rates', { vms: 6, sources: 1, destinations: 3, candidates: 3, capacitySlack: 1.15, integerRates: true }],
];

function assertSameOptimum(input: PlanInput, label: string): 'feasible' | 'infeasible' {
  const oracle = bruteForcePlan(input);
  if (!oracle) {
    assert.throws(() => planMigrations(input), PlanInfeasibleError, `${label}: brute force finds no fit, the planner must refuse`);
    return 'infeasible';
  }
  const plan = planMigrations(input);
  const key = keyOfPlan(plan);
  assert.equal(comparePlanKeys(key, oracle), 0, `${label}: plan ${JSON.stringify(key)} vs brute force ${JSON.stringify(oracle)}`);
  assert.equal(plan.provenOptimal, true, `${label}: proven`);
  assert.equal(plan.contentionMbps, maxContentionMbps(hostContention(input.hosts, input.vms, plan.migrations)), `${label}: reported contention is the model's`);
  return 'feasible';
}

for (const [name, shape] of SHAPES) {
  test(`optimal like the brute force: ${name} (40 seeded instances)`, () => {
    const outcomes = { feasible: 0, infeasible: 0 };
    for (let seed = 1; seed <= 40; seed++) outcomes[assertSameOptimum(randomPlanInput(seed * 104_729 + shape.vms, shape), `${name} #${seed}`)]++;
    assert.ok(outcomes.feasible >= 12, `most instances should be feasible: ${JSON.stringify(outcomes)}`);
  });
}

test('baseline strategies are optimal among what they allow (destinations still chosen)', () => {
  for (const strategy of ['pre-copy', 'post-copy'] satisfies Strategy[]) {
    for (let seed = 1; seed <= 15; seed++) {
      const input = randomPlanInput(seed, { vms: 6, sources: 2, destinations: 3, candidates: 2, capacitySlack: 1.4 });
      input.strategy = strategy;
      input.moves[0]!.pinnedMode = strategy === 'pre-copy' ? 'post-copy' : 'pre-copy';
      input.moves[1]!.postcopyAllowed = false;
      assertSameOptimum(input, `${strategy} #${seed}`);
    }
  }
});

test('pins, post-copy deny and constraints.modes restrict the optimum like the brute force', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const input = randomPlanInput(seed, { vms: 9, sources: 2, destinations: 2, backgroundMbps: 400 });
    input.moves[0]!.pinnedMode = 'post-copy';
    input.moves[1]!.pinnedMode = 'pre-copy';
    input.moves[2]!.postcopyAllowed = false;
    assertSameOptimum(input, `pins #${seed}`);
    input.allowedModes = ['pre-copy'];
    input.moves[0]!.pinnedMode = undefined;
    assertSameOptimum(input, `pre-copy only #${seed}`);
  }
});
