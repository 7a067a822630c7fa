// Exact solver for any component (shared destinations, hosts on both sides, destination choice
// under capacity): a dynamic programme over the moves whose states keep only the loads of bins and
// capacities still touched by later moves (closed bins fold into one running max). A state is
// dropped only when another dominates it on every open load, on capacity used and on the
// tie-breaks, or when a lower bound proves it cannot beat a complete solution already found.
import type { FixedPart } from './decompose.ts';
import { layOutComponent, type ComponentLayout } from './component-layout.ts';
import { findIncumbent } from './component-incumbent.ts';
import { searchComponent, type SearchStart } from './component-search.ts';
import { lagrangianBoundMbps, tuneBinWeights, type BinWeights } from './lagrangian-bound.ts';
import { MBPS_TOLERANCE } from './plan-key.ts';
import { waterLevelMbps } from './water-level.ts';
import type { PlanningProblem } from './problem.ts';

interface State {
  loads: Float64Array;
  memoryMib: Float64Array;
  vcpus: Float64Array;
  maxClosedMbps: number;
  sumMbps: number;
  posts: number;
  parent: State | null;
  option: number;
  /** Lower bound on the contention of any completion. */
  boundMbps: number;
}

/**
 * Work the exact run may spend (states generated). Past it the solver stops and says so: the plan
 * then carries the beam's solution and a certified lower bound instead of a proof.
 */
const STATE_BUDGET = 2_000_000;
/** Dominance filtering is quadratic in the states of a step: the budget caps a step too. */
const STEP_BUDGET = 20_000;
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

interface ProgrammeResult {
  /** Best complete assignment found (undefined: none fits, or the run stopped first). */
  choice?: Int32Array;
  /** False when the run stopped at the state budget. */
  finished: boolean;
  rootBoundMbps: number;
}

function runProgramme(layout: ComponentLayout, floorMbps: number, guideChoice: Int32Array | undefined, beamWidth: number): ProgrammeResult {
  const n = layout.order.length;
  const { options, binCount, capacityCount } = layout;
  const guide = guideChoice && incumbentSuffixes(layout, guideChoice);
  let bestMax = Infinity;
  let bestSum = Infinity;
  let weights: BinWeights | undefined = n > 0 ? tuneBinWeights(layout, 0, guide ? guide.loadsAt(0) : layout.initialLoadMbps) : undefined;
  let tunedAt = 0;

  let states: State[] = [
    { loads: Float64Array.from(layout.initialLoadMbps), memoryMib: new Float64Array(capacityCount), vcpus: new Float64Array(capacityCount), maxClosedMbps: floorMbps, sumMbps: 0, posts: 0, parent: null, option: -1, boundMbps: floorMbps },
  ];
  offerCompletion(states[0]!, 0);
  boundedOut(states[0]!, 0);
  const rootBoundMbps = states[0]!.boundMbps;
  let generated = 0;
  for (let k = 0; k < n; k++) {
    if (k + 1 < n && (k + 1 - tunedAt >= Math.max(1, Math.ceil(n / 16)) || layout.suffixBins[k + 1]!.length !== layout.suffixBins[tunedAt]!.length)) {
      weights = tuneBinWeights(layout, k + 1, guide ? guide.loadsAt(k + 1) : layout.initialLoadMbps);
      tunedAt = k + 1;
    }
    const next: State[] = [];
    for (const s of states) {
      options[k]!.forEach((o, oi) => {
        const state = extend(s, k, oi);
        if (!state) return;
        offerCompletion(state, k + 1);
        if (!boundedOut(state, k + 1)) next.push(state);
      });
    }
    generated += next.length;
    if (generated > STATE_BUDGET || next.length > STEP_BUDGET) return { finished: false, rootBoundMbps };
    states = paretoFront(next);
    if (states.length > beamWidth) states = states.sort((a, b) => a.boundMbps - b.boundMbps || a.sumMbps - b.sumMbps).slice(0, beamWidth);
  }
  if (states.length === 0) return { finished: true, rootBoundMbps };
  let best = states[0]!;
  for (const s of states) {
    const d = s.maxClosedMbps - best.maxClosedMbps;
    if (d < -MBPS_TOLERANCE || (d <= MBPS_TOLERANCE && (s.sumMbps < best.sumMbps - MBPS_TOLERANCE || (Math.abs(s.sumMbps - best.sumMbps) <= MBPS_TOLERANCE && s.posts < best.posts)))) best = s;
  }
  const choice = new Int32Array(n);
  for (let s: State | null = best, k = n - 1; s && s.parent; s = s.parent, k--) choice[k] = s.option;
  return { choice, finished: true, rootBoundMbps };

  function extend(s: State, k: number, oi: number): State | undefined {
    const o = options[k]![oi]!;
    let memoryMib = s.memoryMib;
    let vcpus = s.vcpus;
    if (o.capacitySlot >= 0) {
      if (s.memoryMib[o.capacitySlot]! + layout.memoryNeedMib[k]! > layout.freeMemoryMib[o.capacitySlot]! + 1e-9) return undefined;
      if (s.vcpus[o.capacitySlot]! + layout.vcpuNeed[k]! > layout.freeVcpus[o.capacitySlot]! + 1e-9) return undefined;
      memoryMib = Float64Array.from(s.memoryMib);
      vcpus = Float64Array.from(s.vcpus);
      memoryMib[o.capacitySlot]! += layout.memoryNeedMib[k]!;
      vcpus[o.capacitySlot]! += layout.vcpuNeed[k]!;
    }
    const loads = Float64Array.from(s.loads);
    loads[o.slot]! += o.weightMbps;
    let maxClosedMbps = s.maxClosedMbps;
    for (const slot of layout.closesAfter[k]!) {
      maxClosedMbps = Math.max(maxClosedMbps, loads[slot]!);
      loads[slot] = 0;
    }
    if (layout.capacityClosesAfter[k]!.length > 0) {
      if (memoryMib === s.memoryMib) {
        memoryMib = Float64Array.from(s.memoryMib);
        vcpus = Float64Array.from(s.vcpus);
      }
      for (const slot of layout.capacityClosesAfter[k]!) memoryMib[slot] = vcpus[slot] = 0;
    }
    return { loads, memoryMib, vcpus, maxClosedMbps, sumMbps: s.sumMbps + o.weightMbps, posts: s.posts + (o.postCopy ? 1 : 0), parent: s, option: oi, boundMbps: maxClosedMbps };
  }

  /** The state finished the incumbent's way: a complete solution that may tighten the pruning. */
  function offerCompletion(s: State, from: number): void {
    if (!guide) return;
    let max = s.maxClosedMbps;
    for (let b = 0; b < binCount; b++) max = Math.max(max, s.loads[b]! + guide.load[from * binCount + b]!);
    for (let c = 0; c < capacityCount; c++) {
      if (s.memoryMib[c]! + guide.memory[from * capacityCount + c]! > layout.freeMemoryMib[c]! + 1e-9) return;
      if (s.vcpus[c]! + guide.vcpus[from * capacityCount + c]! > layout.freeVcpus[c]! + 1e-9) return;
    }
    const sum = s.sumMbps + guide.sum[from]!;
    if (max < bestMax - MBPS_TOLERANCE || (max <= bestMax + MBPS_TOLERANCE && sum < bestSum)) {
      bestMax = max;
      bestSum = sum;
    }
  }

  function boundedOut(s: State, from: number): boolean {
    let maxBound = s.maxClosedMbps;
    for (let slot = 0; slot < binCount; slot++) maxBound = Math.max(maxBound, s.loads[slot]!);
    if (from < n) {
      maxBound = Math.max(maxBound, waterLevelMbps(s.loads, layout.suffixBins[from]!, layout.minWeightSuffixMbps[from]!));
      if (weights) maxBound = Math.max(maxBound, lagrangianBoundMbps(weights, s.loads, from));
    }
    s.boundMbps = maxBound;
    if (maxBound > bestMax + MBPS_TOLERANCE) return true;
    const sumBound = s.sumMbps + layout.minWeightSuffixMbps[from]!;
    return maxBound >= bestMax - MBPS_TOLERANCE && sumBound > bestSum + MBPS_TOLERANCE;
  }
}

/** The incumbent's loads, capacity use and traffic from each step on, to complete any state with. */
function incumbentSuffixes(layout: ComponentLayout, choice: Int32Array) {
  const n = layout.order.length;
  const { binCount, capacityCount } = layout;
  const load = new Float64Array((n + 1) * binCount);
  const memory = new Float64Array((n + 1) * capacityCount);
  const vcpus = new Float64Array((n + 1) * capacityCount);
  const sum = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) {
    load.copyWithin(k * binCount, (k + 1) * binCount, (k + 2) * binCount);
    memory.copyWithin(k * capacityCount, (k + 1) * capacityCount, (k + 2) * capacityCount);
    vcpus.copyWithin(k * capacityCount, (k + 1) * capacityCount, (k + 2) * capacityCount);
    const o = layout.options[k]![choice[k]!]!;
    load[k * binCount + o.slot]! += o.weightMbps;
    if (o.capacitySlot >= 0) {
      memory[k * capacityCount + o.capacitySlot]! += layout.memoryNeedMib[k]!;
      vcpus[k * capacityCount + o.capacitySlot]! += layout.vcpuNeed[k]!;
    }
    sum[k] = sum[k + 1]! + o.weightMbps;
  }
  /** The incumbent's own state after `from` steps (open bins only). */
  const loadsAt = (from: number): Float64Array => {
    const loads = new Float64Array(binCount);
    for (let b = 0; b < binCount; b++) loads[b] = layout.initialLoadMbps[b]! + load[b]! - load[from * binCount + b]!;
    return loads;
  };
  return { load, memory, vcpus, sum, loadsAt };
}

/** Keeps the states no other state dominates (open loads, capacity used, running max, tie-breaks). */
function paretoFront(states: State[]): State[] {
  states.sort((a, b) => a.sumMbps - b.sumMbps || a.posts - b.posts || a.maxClosedMbps - b.maxClosedMbps);
  const kept: State[] = [];
  for (const s of states) {
    if (!kept.some((k) => dominates(k, s))) kept.push(s);
  }
  return kept;
}

function dominates(a: State, b: State): boolean {
  if (a.maxClosedMbps > b.maxClosedMbps) return false;
  for (let i = 0; i < a.loads.length; i++) if (a.loads[i]! > b.loads[i]!) return false;
  for (let i = 0; i < a.memoryMib.length; i++) if (a.memoryMib[i]! > b.memoryMib[i]! || a.vcpus[i]! > b.vcpus[i]!) return false;
  return true;
}
