// Picks every move's option exactly: least contention over all hosts, then least contending
// traffic, then fewest post-copies. Independent groups are solved apart; groups that do not set
// the overall contention are then re-solved for the tie-breaks under that contention as a floor.
import { assertFixedCapacity, componentCapacityError } from './capacity-shortfall.ts';
import { solveComponent } from './component-solver.ts';
import { decompose, type Component, type FixedPart } from './decompose.ts';
import { solvePair } from './pair-solver.ts';
import { MBPS_TOLERANCE } from './plan-key.ts';
import type { PlanningProblem } from './problem.ts';

/** Option index chosen per item of the problem. */
export function solveAssignment(problem: PlanningProblem): Int32Array {
  const { fixed, components } = decompose(problem);
  assertFixedCapacity(problem, fixed);
  const chosen = Int32Array.from(fixed.optionOf);
  const floorMbps = Math.max(0, ...fixed.loadMbps);
  const firstPass = components.map((c) => solveOne(problem, fixed, c, floorMbps));
  const contentionMbps = Math.max(floorMbps, ...firstPass.map((r) => r.maxMbps));
  components.forEach((c, ci) => {
    const result = firstPass[ci]!.maxMbps < contentionMbps - MBPS_TOLERANCE ? solveOne(problem, fixed, c, contentionMbps) : firstPass[ci]!;
    c.items.forEach((item, k) => (chosen[item] = result.options[k]!));
  });
  return chosen;
}

function solveOne(problem: PlanningProblem, fixed: FixedPart, component: Component, floorMbps: number): { options: number[]; maxMbps: number } {
  const items = component.items.map((i) => problem.items[i]!);
  let options: number[] | null;
  if (component.pair) {
    const first = items[0]!;
    const postCopy = solvePair(
      {
        sourceBaseMbps: fixed.loadMbps[first.options[0]!.bin]!,
        destinationBaseMbps: fixed.loadMbps[first.options[1]!.bin]!,
        txMbps: items.map((it) => it.options[0]!.weightMbps),
        rxMbps: items.map((it) => it.options[1]!.weightMbps),
      },
      floorMbps,
    );
    options = postCopy.map((p) => (p ? 1 : 0));
  } else {
    options = solveComponent(problem, fixed, component.items, floorMbps);
  }
  if (!options) throw componentCapacityError(problem, fixed, component.items);
  const loads = new Map<number, number>();
  items.forEach((it, k) => {
    const o = it.options[options[k]!]!;
    loads.set(o.bin, (loads.get(o.bin) ?? fixed.loadMbps[o.bin]!) + o.weightMbps);
  });
  return { options, maxMbps: Math.max(0, ...loads.values()) };
}
