// Solver for any coupled group (shared destinations, hosts on both sides, destination choice
// under capacity). First a near-optimal plan with a certified bound: local search from a greedy
// start (coupled-local-search.ts) against the LP relaxation's bound (lp-bound.ts), improved by
// iterated local search until the gap closes or the group's time is spent. Then, for small
// groups (or while the gap is still wide), the exact methods — depth-first branch and bound, and
// the dominance programme when no capacity is in play — seeded with that plan, until they finish
// (proven: contention and tie-breaks) or the group's deadline passes.
import type { FixedPart } from './decompose.ts';
import { layOutComponent, type ComponentLayout } from './component-layout.ts';
import { findIncumbent } from './component-incumbent.ts';
import { runProgramme } from './component-programme.ts';
import { searchComponent, type SearchStart } from './component-search.ts';
import { CoupledState, greedyAssign, improve, perturb, roundAssign, type Stage } from './coupled-local-search.ts';
import { LpBound } from './lp-bound.ts';
import { compareMbps, contentionGap, isBetterKey, type PlanKey } from './objective.ts';
import type { Pace, Steps } from './plan-pace.ts';
import type { PlanningProblem } from './problem.ts';
import { createRandom } from '../util/random.ts';

const BEAM_WIDTH = 48;
const QUICK_SEARCH_WORK = 3_000_000;
const LONG_SEARCH_WORK = 12_000_000;
/** Up to this many moves the exact methods run after the heuristics, even once the gap is closed. */
const EXACT_MAX_MOVES = 40;
const LP_STEPS_PER_SLICE = 25;
const LP_LEAST_STEPS = 300;
/** Share of the heuristics' time the LP bound may take before the search starts. */
const LP_SHARE = 0.25;
/** Share of the heuristics' time each first descent (from the greedy, from the LP's rounding) may take. */
const FIRST_DESCENT_SHARE = 0.1;
/** Share of the heuristics' time left for the tie-breaks (contending traffic, post-copies) at the end. */
const TIE_BREAK_SHARE = 0.15;
const LOCAL_SEARCH_WORK = 200_000;
/** Aims that miss in a row before the search kicks the plan; kicks before it gives up. */
const MIN_STEP = 1e-4;
const SMALL_STALLS = 3;
const LARGE_STALLS = 1000;

export interface ComponentSolution {
  /** Option per item, aligned with the items given. */
  options: number[];
  /** True when the exact run finished: no assignment is better. */
  proven: boolean;
  /** A certified lower bound on the component's contention (with the floor). */
  lowerBoundMbps: number;
}

export function* solveComponent(problem: PlanningProblem, fixed: FixedPart, items: readonly number[], floorMbps: number, pace: Pace, deadlineMs: number): Steps<ComponentSolution | null> {
  if (pace.legacySearch) return yield* solveComponentLegacy(problem, fixed, items, floorMbps, pace, deadlineMs);
  const layout = layOutComponent(problem, fixed, items);
  const n = layout.order.length;
  const startMs = pace.nowMs();
  const state = new CoupledState(layout, floorMbps);
  let best = undefined as Int32Array | undefined;
  let bestKey = undefined as PlanKey | undefined;
  let lowerBoundMbps = floorMbps;
  const gapOf = (): number => (bestKey ? contentionGap(bestKey.contentionMbps, lowerBoundMbps) : Infinity);

  // Small groups keep most of their time for the exact methods; large ones spend it here.
  const heuristicEndMs = startMs + (deadlineMs - startMs) * (n > EXACT_MAX_MOVES ? 1 : 0.25);
  const keep = (): void => {
    const key = state.key();
    if (!bestKey || isBetterKey(key, bestKey)) {
      best = Int32Array.from(state.choice);
      bestKey = key;
    }
  };
  const shareEndMs = (share: number): number => startMs + (heuristicEndMs - startMs) * share;
  if (greedyAssign(state)) {
    yield* descend(state, pace, shareEndMs(FIRST_DESCENT_SHARE), ['max']);
    keep();
  }
  // The LP bound first, until its steps stop paying (a share of the time at most): it says how far
  // the plan may be from the best, and its primal estimate guides a second start.
  const lp = new LpBound(layout, floorMbps, bestKey?.contentionMbps ?? upperEstimateMbps(layout, floorMbps));
  // Small groups go on to the exact search, whose bound is exact when it finishes: the least steps do.
  const lpEndMs = n > EXACT_MAX_MOVES ? shareEndMs(FIRST_DESCENT_SHARE + LP_SHARE) : startMs;
  // A least number of steps whatever the clock says (cheap: each is one pass over the options), so
  // the bound does not depend on how busy the machine is; then as long as the time share lasts.
  for (let steps = 0; !lp.stalled && (steps < LP_LEAST_STEPS || pace.nowMs() < lpEndMs) && gapOf() > 0; steps += LP_STEPS_PER_SLICE) {
    lp.iterate(LP_STEPS_PER_SLICE, bestKey?.contentionMbps ?? Math.max(lp.boundMbps * 1.05, floorMbps + 1));
    lowerBoundMbps = Math.max(lowerBoundMbps, lp.boundMbps);
    pace.report({ incumbentMbps: bestKey?.contentionMbps, lowerBoundMbps, gap: gapOf() });
    if (pace.due()) yield;
  }
  const greedy = best;
  if (gapOf() > 0 && roundAssign(state, lp.primal)) {
    yield* descend(state, pace, shareEndMs(2 * FIRST_DESCENT_SHARE + LP_SHARE), ['max']);
    keep();
  }
  if (best) {
    // The search aims at the contention only; the tie-breaks get the last part of the time.
    const searchEndMs = heuristicEndMs - (heuristicEndMs - pace.nowMs()) * TIE_BREAK_SHARE;
    const random = createRandom(n * 7919 + 17);
    const goal = n > EXACT_MAX_MOVES ? pace.gap : 0;
    let stepMbps = 0;
    let stalls = 0;
    while (pace.nowMs() < searchEndMs && stalls <= (n > EXACT_MAX_MOVES ? LARGE_STALLS : SMALL_STALLS)) {
      const bestNow: Int32Array = best;
      const keyNow: PlanKey = bestKey!;
      if (!lp.stalled) lp.iterate(LP_STEPS_PER_SLICE, keyNow.contentionMbps);
      lowerBoundMbps = Math.max(lowerBoundMbps, lp.boundMbps);
      if (gapOf() <= goal || tieBreaksAtBound(layout, keyNow, lowerBoundMbps)) break;
      // Aim below the best plan (halfway to the bound, closer after each miss): least overflow above
      // the aim first, then the tie-breaks under what was reached.
      if (stepMbps <= keyNow.contentionMbps * MIN_STEP) {
        stepMbps = (keyNow.contentionMbps - lowerBoundMbps) / 2;
        // Each stall starts again from the best plan, the greedy's or the rounding's, kicked.
        state.restore(stalls % 2 === 1 && greedy ? greedy : bestNow);
        if (stalls++ > 0) perturb(state, random, 2 + Math.ceil(n / 20));
      } else {
        state.restore(bestNow);
      }
      const aimMbps = Math.max(lowerBoundMbps, keyNow.contentionMbps - stepMbps);
      yield* descendTo(state, aimMbps, pace, searchEndMs);
      const key = state.key();
      if (isBetterKey(key, keyNow)) {
        keep();
        stepMbps = (key.contentionMbps - lowerBoundMbps) / 2;
      } else {
        stepMbps /= 2;
      }
      pace.report({ incumbentMbps: bestKey!.contentionMbps, lowerBoundMbps, gap: gapOf() });
      if (pace.due()) yield;
    }
    state.restore(best);
    yield* descend(state, pace, heuristicEndMs);
    keep();
    pace.report({ incumbentMbps: bestKey!.contentionMbps, lowerBoundMbps, gap: gapOf() });
    // Every stage of the key at a lower bound: nothing can beat this plan.
    if (tieBreaksAtBound(layout, bestKey!, lowerBoundMbps)) return solution(layout, items, best, true, lowerBoundMbps);
  }

  if (!best || n <= EXACT_MAX_MOVES || gapOf() > pace.gap) {
    const start = best && keyOf(layout, floorMbps, best);
    const attempts: Array<() => Steps<{ choice?: Int32Array; finished: boolean; rootBoundMbps: number }>> = [
      () => searchComponent(layout, floorMbps, start, QUICK_SEARCH_WORK, pace, deadlineMs),
      ...(layout.capacityCount === 0 && n <= EXACT_MAX_MOVES ? [() => runProgramme(layout, floorMbps, best, Infinity, pace, deadlineMs)] : []),
      () => searchComponent(layout, floorMbps, best && keyOf(layout, floorMbps, best), Infinity, pace, deadlineMs),
    ];
    for (const attempt of attempts) {
      if (pace.expired(deadlineMs)) break;
      const result = yield* attempt();
      lowerBoundMbps = Math.max(lowerBoundMbps, result.rootBoundMbps);
      if (result.finished) return result.choice ? solution(layout, items, result.choice, true, lowerBoundMbps) : null;
      if (result.choice) best = result.choice;
    }
  }
  if (!best) throw new Error(`planner: no assignment found for ${items.length} coupled moves within the time limit`);
  return solution(layout, items, best, false, lowerBoundMbps);
}

/** Overflow above `aimMbps` down as far as it goes, then the three stages from where that ended. */
function* descendTo(state: CoupledState, aimMbps: number, pace: Pace, endMs: number): Steps<void> {
  const stage: Stage = { kind: 'target', limitMbps: aimMbps };
  while (improve(state, stage, LOCAL_SEARCH_WORK).exhausted && !pace.expired(endMs)) if (pace.due()) yield;
  yield* descend(state, pace, endMs, ['max']);
}

/** Local search through the stages: max load, then contending traffic and post-copies under it. */
function* descend(state: CoupledState, pace: Pace, endMs: number, kinds: ReadonlyArray<'max' | 'sum' | 'posts'> = ['max', 'sum', 'posts']): Steps<void> {
  for (const kind of kinds) {
    const stage: Stage = { kind, limitMbps: state.maxLoadMbps() };
    // Stopping early leaves a complete plan: every step keeps one option.
    while (improve(state, stage, LOCAL_SEARCH_WORK).exhausted && !pace.expired(endMs)) if (pace.due()) yield;
  }
}

/**
 * True when each stage of `key` sits at a lower bound: the contention at the certified bound, the
 * contending traffic at every step's lightest option, the post-copies at the steps whose lightest
 * options are all post-copies. Then no plan is better (a proof without search).
 */
export function tieBreaksAtBound(layout: ComponentLayout, key: PlanKey, lowerBoundMbps: number): boolean {
  if (compareMbps(key.contentionMbps, lowerBoundMbps) > 0) return false;
  let sumMbps = 0;
  let posts = 0;
  for (const opts of layout.options) {
    let least = Infinity;
    for (const o of opts) least = Math.min(least, o.weightMbps);
    sumMbps += least;
    if (opts.every((o) => o.postCopy || compareMbps(o.weightMbps, least) > 0)) posts++;
  }
  return compareMbps(key.contendingTrafficMbps, sumMbps) <= 0 && key.postCopies <= posts;
}

/** A contention no plan needs to exceed by much, to scale the LP bound's capacity prices when no plan is known yet. */
function upperEstimateMbps(layout: ComponentLayout, floorMbps: number): number {
  let total = 0;
  for (const opts of layout.options) total += Math.max(...opts.map((o) => o.weightMbps));
  return Math.max(floorMbps, ...layout.initialLoadMbps) + total / Math.max(1, layout.binCount);
}

/**
 * The earlier solver, kept for the bench's side-by-side rows: greedy, a beam of the programme,
 * then exact search and programme within work budgets (and the deadline).
 */
function* solveComponentLegacy(problem: PlanningProblem, fixed: FixedPart, items: readonly number[], floorMbps: number, pace: Pace, deadlineMs: number): Steps<ComponentSolution | null> {
  const layout = layOutComponent(problem, fixed, items);
  const greedy = findIncumbent(layout);
  const beam = yield* runProgramme(layout, floorMbps, greedy.feasible ? greedy.choice : undefined, BEAM_WIDTH, pace, deadlineMs);
  let best = beam.choice ?? (greedy.feasible ? greedy.choice : undefined);
  let lowerBoundMbps = beam.rootBoundMbps;
  const attempts = [
    () => searchComponent(layout, floorMbps, best && keyOf(layout, floorMbps, best), QUICK_SEARCH_WORK, pace, deadlineMs),
    ...(layout.capacityCount === 0 ? [() => runProgramme(layout, floorMbps, best, Infinity, pace, deadlineMs)] : []),
    () => searchComponent(layout, floorMbps, best && keyOf(layout, floorMbps, best), LONG_SEARCH_WORK, pace, deadlineMs),
  ];
  for (const attempt of attempts) {
    const result = yield* attempt();
    lowerBoundMbps = Math.max(lowerBoundMbps, result.rootBoundMbps);
    if (result.finished) return result.choice ? solution(layout, items, result.choice, true, lowerBoundMbps) : null;
    if (result.choice) best = result.choice;
  }
  if (!best) throw new Error(`planner: no assignment found for ${items.length} coupled moves within the search budget`);
  return solution(layout, items, best, false, lowerBoundMbps);
}

function solution(layout: ComponentLayout, items: readonly number[], choice: Int32Array, proven: boolean, lowerBoundMbps: number): ComponentSolution {
  const chosen = new Map<number, number>();
  layout.order.forEach((item, k) => chosen.set(item, layout.optionIndex[k]![choice[k]!]!));
  return { options: items.map((i) => chosen.get(i)!), proven, lowerBoundMbps };
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
