// Exact depth-first branch and bound for components whose states have many dimensions (several
// destination bins, capacities): dominance rarely merges such states, so search depth-first with
// strong bounds instead. Largest moves first; options by resulting load, so good solutions come early.
import type { ComponentLayout, SlotOption } from './component-layout.ts';
import { lagrangianBoundMbps, tuneBinWeights } from './lagrangian-bound.ts';
import { boundCannotBeat, isBetterKey, planKey } from './objective.ts';
import { collapsePreCopies, packPreCopies } from './pre-copy-packing.ts';
import type { Pace, Steps } from './plan-pace.ts';

/** Packing one leaf's pre-copies is tiny in practice; past this, the leaf counts as unresolved. */
const PACKING_NODES = 100_000;

export interface SearchResult {
  /** Option per layout step; undefined when nothing fits (finished) or nothing found (stopped). */
  choice?: Int32Array;
  finished: boolean;
  /** The bound at the root: a certified lower bound on the contention. */
  rootBoundMbps: number;
}

export interface SearchStart {
  choice: Int32Array;
  maxMbps: number;
  sumMbps: number;
  posts: number;
}

/**
 * `workBudget` counts option evaluations in the bounds, so big components stop as early as small
 * ones; the search also stops at `deadlineMs`, and yields whenever `pace` says a slice is done.
 */
export function* searchComponent(layout: ComponentLayout, floorMbps: number, start: SearchStart | undefined, workBudget: number, pace: Pace, deadlineMs: number): Steps<SearchResult> {
  const { collapsed, candidates } = collapsePreCopies(layout);
  const { options, capacityCount, memoryNeedMib, vcpuNeed, freeMemoryMib, freeVcpus } = collapsed;
  const n = options.length;
  const heaviest = (k: number): number => Math.max(...options[k]!.map((o) => o.weightMbps));
  const order = [...Array(n).keys()].sort((a, b) => heaviest(b) - heaviest(a) || a - b);
  const minWeightSuffix = new Float64Array(n + 1);
  const forcedPostSuffix = new Int32Array(n + 1);
  for (let d = n - 1; d >= 0; d--) {
    const opts = options[order[d]!]!;
    minWeightSuffix[d] = minWeightSuffix[d + 1]! + Math.min(...opts.map((o) => o.weightMbps));
    forcedPostSuffix[d] = forcedPostSuffix[d + 1]! + (opts.every((o) => o.postCopy) ? 1 : 0);
  }
  // Lagrangian weights for the search order: the bound's suffix terms follow that order.
  const searchLayout: ComponentLayout = { ...collapsed, options: order.map((k) => options[k]!), suffixBins: suffixBinsOf(order.map((k) => options[k]!)) };
  const weights = tuneBinWeights(searchLayout, 0, layout.initialLoadMbps);

  const loads = Float64Array.from(layout.initialLoadMbps);
  const memory = new Float64Array(capacityCount);
  const vcpus = new Float64Array(capacityCount);
  const choice = new Int32Array(n).fill(-1);
  let best: Int32Array | undefined = start ? Int32Array.from(start.choice) : undefined;
  let bestMax = start ? start.maxMbps : Infinity;
  let bestSum = start ? start.sumMbps : Infinity;
  let bestPosts = start ? start.posts : Infinity;
  let work = 0;
  let stopped = false;
  let packingGaveUp = false;
  // Merged pre-copy moves chosen so far, and the capacity they need somewhere.
  const anywhere: number[] = [];
  let anywhereMib = 0;
  let anywhereVcpus = 0;
  let totalFreeMib = 0;
  let totalFreeVcpus = 0;
  for (let c = 0; c < capacityCount; c++) {
    totalFreeMib += freeMemoryMib[c]!;
    totalFreeVcpus += freeVcpus[c]!;
  }
  const isAnywhere = (k: number, oi: number): boolean => candidates.merged[k] !== undefined && options[k]![oi]!.destination === -1;
  let rootBoundMbps = floorMbps;

  const fits = (k: number, c: number): boolean =>
    c < 0 || (memory[c]! + memoryNeedMib[k]! <= freeMemoryMib[c]! + 1e-9 && vcpus[c]! + vcpuNeed[k]! <= freeVcpus[c]! + 1e-9);

  let calls = 0;
  const visit = function* (depth: number, maxMbps: number, sumMbps: number, posts: number): Steps<void> {
    if (stopped) return;
    work += n - depth + 1;
    if (work > workBudget) {
      stopped = true;
      return;
    }
    if ((++calls & 1023) === 0) {
      if (pace.expired(deadlineMs)) {
        stopped = true;
        return;
      }
      if (pace.due()) yield;
    }
    if (depth === n) {
      if (!isBetter(maxMbps, sumMbps, posts)) return;
      const packing = anywhere.length > 0 ? packPreCopies(layout, candidates, anywhere, memory, vcpus, PACKING_NODES) : { packed: new Map<number, number>() };
      if (packing === 'gave up') packingGaveUp = true;
      if (typeof packing === 'string') return;
      best = Int32Array.from(choice, (ci, k) => (isAnywhere(k, ci) ? packing.packed.get(k)! : candidates.layoutOption[k]![ci]!));
      bestMax = maxMbps;
      bestSum = sumMbps;
      bestPosts = posts;
      return;
    }
    if (prunable(depth, maxMbps, sumMbps, posts)) return;
    const k = order[depth]!;
    const tried = options[k]!.map((o, oi) => ({ o, oi })).sort((a, b) => loads[a.o.slot]! + a.o.weightMbps - (loads[b.o.slot]! + b.o.weightMbps) || a.oi - b.oi);
    const triedTwins: SlotOption[] = [];
    for (const { o, oi } of tried) {
      if (!fits(k, o.capacitySlot)) continue;
      if (layout.twinClass.has(o.destination)) {
        if (triedTwins.some((t) => t.postCopy === o.postCopy && sameTwinState(t.destination, o.destination))) continue;
        triedTwins.push(o);
      }
      loads[o.slot]! += o.weightMbps;
      if (o.capacitySlot >= 0) {
        memory[o.capacitySlot]! += memoryNeedMib[k]!;
        vcpus[o.capacitySlot]! += vcpuNeed[k]!;
      }
      choice[k] = oi;
      const merged = isAnywhere(k, oi);
      if (merged) {
        anywhere.push(k);
        anywhereMib += memoryNeedMib[k]!;
        anywhereVcpus += vcpuNeed[k]!;
      }
      if (!merged || capacityLeftForAnywhere()) yield* visit(depth + 1, Math.max(maxMbps, loads[o.slot]!), sumMbps + o.weightMbps, posts + (o.postCopy ? 1 : 0));
      if (merged) {
        anywhere.pop();
        anywhereMib -= memoryNeedMib[k]!;
        anywhereVcpus -= vcpuNeed[k]!;
      }
      loads[o.slot]! -= o.weightMbps;
      if (o.capacitySlot >= 0) {
        memory[o.capacitySlot]! -= memoryNeedMib[k]!;
        vcpus[o.capacitySlot]! -= vcpuNeed[k]!;
      }
    }
    choice[k] = -1;
  };

  /** Twins in the same class whose arrivals so far weigh the same: their subtrees mirror each other. */
  function sameTwinState(a: number, b: number): boolean {
    if (layout.twinClass.get(a) !== layout.twinClass.get(b)) return false;
    const da = layout.destinationSlot.get(a);
    const db = layout.destinationSlot.get(b);
    if ((da === undefined) !== (db === undefined) || (da !== undefined && loads[da] !== loads[db!])) return false;
    const ca = layout.capacitySlotOf.get(a);
    const cb = layout.capacitySlotOf.get(b);
    if ((ca === undefined) !== (cb === undefined)) return false;
    return ca === undefined || (memory[ca] === memory[cb!] && vcpus[ca] === vcpus[cb!]);
  }

  /** A necessary condition for packing: the merged pre-copies fit in all capacity left together. */
  function capacityLeftForAnywhere(): boolean {
    let usedMib = 0;
    let usedVcpus = 0;
    for (let c = 0; c < capacityCount; c++) {
      usedMib += memory[c]!;
      usedVcpus += vcpus[c]!;
    }
    return usedMib + anywhereMib <= totalFreeMib + 1e-9 && usedVcpus + anywhereVcpus <= totalFreeVcpus + 1e-9;
  }

  function isBetter(maxMbps: number, sumMbps: number, posts: number): boolean {
    return isBetterKey(planKey(maxMbps, sumMbps, posts), planKey(bestMax, bestSum, bestPosts));
  }

  /** True when no completion can beat the best: each bound is a valid lower bound on every completion. */
  function prunable(depth: number, maxMbps: number, sumMbps: number, posts: number): boolean {
    let bound = maxMbps;
    // Every remaining move lands somewhere: at least its cheapest feasible resulting load.
    for (let d = depth; d < n; d++) {
      const k = order[d]!;
      let least = Infinity;
      for (const o of options[k]!) if (fits(k, o.capacitySlot)) least = Math.min(least, loads[o.slot]! + o.weightMbps);
      if (least === Infinity) return true;
      bound = Math.max(bound, least);
    }
    bound = Math.max(bound, lagrangianBoundMbps(weights, loads, depth));
    if (depth === 0) rootBoundMbps = bound;
    return boundCannotBeat(planKey(bound, sumMbps + minWeightSuffix[depth]!, posts + forcedPostSuffix[depth]!), planKey(bestMax, bestSum, bestPosts));
  }

  yield* visit(0, floorMbps, 0, 0);
  return { choice: best, finished: !stopped && !packingGaveUp, rootBoundMbps };
}

function suffixBinsOf(options: ComponentLayout['options']): number[][] {
  const suffix: number[][] = new Array<number[]>(options.length + 1);
  suffix[options.length] = [];
  for (let k = options.length - 1; k >= 0; k--) suffix[k] = [...new Set([...suffix[k + 1]!, ...options[k]!.map((o) => o.slot)])];
  return suffix;
}
