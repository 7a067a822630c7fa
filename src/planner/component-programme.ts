// The dominance programme over a component's moves: states keep only the loads of bins and the
// capacities still touched by later moves (closed bins fold into one running max). A state is
// dropped only when another dominates it on every open load, on capacity used and on the
// tie-breaks, or when a lower bound proves it cannot beat a complete solution already found.
// With a finite beam width it is a heuristic (the best few states by bound per step).
import type { ComponentLayout } from './component-layout.ts';
import type { Pace, Steps } from './plan-pace.ts';
import { lagrangianBoundMbps, tuneBinWeights, type BinWeights } from './lagrangian-bound.ts';
import { boundCannotBeat, isBetterKey, planKey } from './objective.ts';
import { waterLevelMbps } from './water-level.ts';

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

export interface ProgrammeResult {
  /** Best complete assignment found (undefined: none fits, or the run stopped first). */
  choice?: Int32Array;
  /** False when the run stopped at the state budget. */
  finished: boolean;
  rootBoundMbps: number;
}

export function* runProgramme(layout: ComponentLayout, floorMbps: number, guideChoice: Int32Array | undefined, beamWidth: number, pace: Pace, deadlineMs: number): Steps<ProgrammeResult> {
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
    if (generated > STATE_BUDGET || next.length > STEP_BUDGET || pace.expired(deadlineMs)) return { finished: false, rootBoundMbps };
    if (pace.due()) yield;
    states = paretoFront(next);
    if (states.length > beamWidth) states = states.sort((a, b) => a.boundMbps - b.boundMbps || a.sumMbps - b.sumMbps).slice(0, beamWidth);
  }
  if (states.length === 0) return { finished: true, rootBoundMbps };
  let best = states[0]!;
  for (const s of states) if (isBetterKey(planKey(s.maxClosedMbps, s.sumMbps, s.posts), planKey(best.maxClosedMbps, best.sumMbps, best.posts))) best = s;
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
    // The programme keeps no post-copy count for its incumbent: compare on the first two terms.
    if (isBetterKey(planKey(max, sum, 0), planKey(bestMax, bestSum, 0))) {
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
    return boundCannotBeat(planKey(maxBound, s.sumMbps + layout.minWeightSuffixMbps[from]!, 0), planKey(bestMax, bestSum, Infinity));
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
