// Picks every move's option exactly: least contention over all hosts, then least contending
// traffic, then fewest post-copies. Independent groups are solved apart; groups that do not set
// the overall contention are then re-solved for the tie-breaks under that contention as a floor.
import { assertMovesFit } from './capacity-check.ts';
import { assertFixedCapacity, componentCapacityError } from './capacity-shortfall.ts';
import { solveComponent } from './component-solver.ts';
import { decompose, type Component, type FixedPart } from './decompose.ts';
import { solvePair } from './pair-solver.ts';
import { compareMbps } from './objective.ts';
import type { Pace, Steps } from './plan-pace.ts';
import type { PlanningProblem } from './problem.ts';

export interface Assignment {
  /** Option index chosen per item of the problem. */
  chosen: Int32Array;
  /** False only if a coupled group exhausted the search budget (then see the bound). */
  proven: boolean;
  /** Certified lower bound on the contention (equals the plan's when proven). */
  lowerBoundMbps: number;
}

interface GroupResult {
  options: number[];
  maxMbps: number;
  proven: boolean;
  lowerBoundMbps: number;
}

/** Share of the time limit for the first pass (the contention); the rest re-solves for the tie-breaks. */
const FIRST_PASS_SHARE = 0.85;

export function* solveAssignment(problem: PlanningProblem, pace: Pace): Steps<Assignment> {
  const { fixed, components } = decompose(problem);
  assertFixedCapacity(problem, fixed);
  assertMovesFit(problem, fixed);
  const chosen = Int32Array.from(fixed.optionOf);
  const floorMbps = Math.max(0, ...fixed.loadMbps);
  const firstEndMs = pace.nowMs() + (pace.deadlineMs - pace.nowMs()) * FIRST_PASS_SHARE;
  const firstPass: GroupResult[] = [];
  for (const [ci, c] of components.entries()) {
    pace.report({ group: ci + 1, groups: components.length, moves: c.items.length, incumbentMbps: undefined, gap: undefined });
    firstPass.push(yield* solveGroup(problem, fixed, c, floorMbps, pace, shareOf(pace, firstEndMs, components, ci)));
  }
  const contentionMbps = Math.max(floorMbps, ...firstPass.map((r) => r.maxMbps));
  let proven = true;
  let lowerBoundMbps = floorMbps;
  for (const [ci, c] of components.entries()) {
    const first = firstPass[ci]!;
    const result = compareMbps(first.maxMbps, contentionMbps) < 0 ? yield* solveGroup(problem, fixed, c, contentionMbps, pace, shareOf(pace, pace.deadlineMs, components, ci)) : first;
    c.items.forEach((item, k) => (chosen[item] = result.options[k]!));
    proven &&= first.proven && result.proven;
    lowerBoundMbps = Math.max(lowerBoundMbps, first.proven ? first.maxMbps : first.lowerBoundMbps);
  }
  return { chosen, proven, lowerBoundMbps: proven ? contentionMbps : lowerBoundMbps };
}

/** A group's deadline: the time left until `endMs`, shared by the groups still to solve in proportion to their size. */
function shareOf(pace: Pace, endMs: number, components: readonly Component[], from: number): number {
  const sizes = components.slice(from).map((c) => (c.pair ? 0 : c.items.length));
  const total = sizes.reduce((s, x) => s + x, 0);
  const now = pace.nowMs();
  return total === 0 ? endMs : now + Math.max(0, endMs - now) * (sizes[0]! / total);
}

function* solveGroup(problem: PlanningProblem, fixed: FixedPart, component: Component, floorMbps: number, pace: Pace, deadlineMs: number): Steps<GroupResult> {
  const items = component.items.map((i) => problem.items[i]!);
  let result: { options: number[]; proven: boolean; lowerBoundMbps: number } | null;
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
    result = { options: postCopy.map((p) => (p ? 1 : 0)), proven: true, lowerBoundMbps: 0 };
  } else {
    result = yield* solveComponent(problem, fixed, component.items, floorMbps, pace, deadlineMs);
  }
  if (!result) throw componentCapacityError(problem, fixed, component.items);
  const loads = new Map<number, number>();
  items.forEach((it, k) => {
    const o = it.options[result.options[k]!]!;
    loads.set(o.bin, (loads.get(o.bin) ?? fixed.loadMbps[o.bin]!) + o.weightMbps);
  });
  return { ...result, maxMbps: Math.max(0, ...loads.values()) };
}
