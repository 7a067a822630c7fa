// Exact solver for any component (shared destinations, hosts on both sides, destination choice
// under capacity). Cheap heuristics give a good first solution; exact methods then prove (or
// improve) it within a work budget, past which the plan says it is unproven and gives a bound.
import type { FixedPart } from './decompose.ts';
import { layOutComponent, type ComponentLayout } from './component-layout.ts';
import { findIncumbent } from './component-incumbent.ts';
import { runProgramme } from './component-programme.ts';
import { searchComponent, type SearchStart } from './component-search.ts';
import type { PlanningProblem } from './problem.ts';

const BEAM_WIDTH = 48;
const QUICK_SEARCH_WORK = 3_000_000;
const LONG_SEARCH_WORK = 12_000_000;

export interface ComponentSolution {
  /** Option per item, aligned with the items given. */
  options: number[];
  /** True when the exact run finished: no assignment is better. */
  proven: boolean;
  /** A certified lower bound on the component's contention (with the floor). */
  lowerBoundMbps: number;
}

/**
 * Null when no assignment fits the capacities. Cheap heuristics first (greedy, a beam of the
 * programme), then exact: depth-first search on a small budget (fast on many-option components),
 * then the dominance programme guided by its best (fast when bins close early), then a longer search.
 */
export function solveComponent(problem: PlanningProblem, fixed: FixedPart, items: readonly number[], floorMbps: number): ComponentSolution | null {
  const layout = layOutComponent(problem, fixed, items);
  const greedy = findIncumbent(layout);
  const beam = runProgramme(layout, floorMbps, greedy.feasible ? greedy.choice : undefined, BEAM_WIDTH);
  let best = beam.choice ?? (greedy.feasible ? greedy.choice : undefined);
  let lowerBoundMbps = beam.rootBoundMbps;
  // With capacities in play the programme's states carry them too and seldom dominate: search only.
  const attempts = [
    () => searchComponent(layout, floorMbps, best && keyOf(layout, floorMbps, best), QUICK_SEARCH_WORK),
    ...(layout.capacityCount === 0 ? [() => runProgramme(layout, floorMbps, best, Infinity)] : []),
    () => searchComponent(layout, floorMbps, best && keyOf(layout, floorMbps, best), LONG_SEARCH_WORK),
  ];
  for (const attempt of attempts) {
    const result = attempt();
    lowerBoundMbps = Math.max(lowerBoundMbps, result.rootBoundMbps);
    if (result.finished) return result.choice ? solution(result.choice, true) : null;
    if (result.choice) best = result.choice;
  }
  if (!best) throw new Error(`planner: no assignment found for ${items.length} coupled moves within the search budget`);
  return solution(best, false);

  function solution(choice: Int32Array, proven: boolean): ComponentSolution {
    const chosen = new Map<number, number>();
    layout.order.forEach((item, k) => chosen.set(item, layout.optionIndex[k]![choice[k]!]!));
    return { options: items.map((i) => chosen.get(i)!), proven, lowerBoundMbps };
  }
}

function keyOf(layout: ComponentLayout, floorMbps: number, choice: Int32Array): SearchStart {
  const loads = Float64Array.from(layout.initialLoadMbps);
  let sumMbps = 0;
  let posts = 0;
  layout.options.forEach((opts, k) => {
    const o = opts[choice[k]!]!;
    loads[o.slot]! += o.weightMbps;
    sumMbps += o.weightMbps;
    if (o.postCopy) posts++;
  });
  return { choice, maxMbps: Math.max(floorMbps, ...loads), sumMbps, posts };
}
