// Exact solver for any component (shared destinations, hosts on both sides, destination choice
// under capacity): a dynamic programme over the moves whose states keep only the loads of bins and
// capacities still touched by later moves (closed bins fold into one running max). A state is
// dropped only when another dominates it on every open load, on capacity used and on the
// tie-breaks, or when a lower bound proves it cannot beat a complete solution already found.
import { usesVariableCapacity, type FixedPart } from './decompose.ts';
import { MBPS_TOLERANCE } from './plan-key.ts';
import type { PlanningProblem } from './problem.ts';

interface SlotOption {
  slot: number;
  weightMbps: number;
  /** Capacity slot charged by this option, or -1. */
  capacitySlot: number;
  postCopy: boolean;
}

interface State {
  loads: Float64Array;
  memoryMib: Float64Array;
  vcpus: Float64Array;
  maxClosedMbps: number;
  sumMbps: number;
  posts: number;
  parent: State | null;
  option: number;
}

/** Refuses rather than exhausting memory: past this many states per step the instance is out of reach. */
const MAX_STATES_PER_STEP = 400_000;

/** Options chosen per item (aligned with `items`), or null when no assignment fits the capacities. */
export function solveComponent(problem: PlanningProblem, fixed: FixedPart, items: readonly number[], floorMbps: number): number[] | null {
  const order = [...items].sort((i, j) => {
    const a = problem.items[i]!;
    const b = problem.items[j]!;
    return a.source - b.source || a.options[0]!.destination - b.options[0]!.destination || i - j;
  });
  const binSlot = new Map<number, number>();
  const capacitySlot = new Map<number, number>();
  const options: SlotOption[][] = order.map((i) => {
    const variable = usesVariableCapacity(problem, i);
    return problem.items[i]!.options.map((o) => {
      if (!binSlot.has(o.bin)) binSlot.set(o.bin, binSlot.size);
      let cap = -1;
      if (variable && (Number.isFinite(fixed.freeMemoryMib[o.destination]!) || Number.isFinite(fixed.freeVcpus[o.destination]!))) {
        if (!capacitySlot.has(o.destination)) capacitySlot.set(o.destination, capacitySlot.size);
        cap = capacitySlot.get(o.destination)!;
      }
      return { slot: binSlot.get(o.bin)!, weightMbps: o.weightMbps, capacitySlot: cap, postCopy: o.mode === 'post-copy' };
    });
  });
  const n = order.length;
  const binCount = binSlot.size;
  const capCount = capacitySlot.size;
  const memoryNeed = order.map((i) => problem.items[i]!.vm.memoryMib);
  const vcpuNeed = order.map((i) => problem.items[i]!.vm.vcpus ?? 0);
  const freeMemory = new Float64Array(capCount);
  const freeVcpus = new Float64Array(capCount);
  for (const [host, slot] of capacitySlot) {
    freeMemory[slot] = fixed.freeMemoryMib[host]!;
    freeVcpus[slot] = fixed.freeVcpus[host]!;
  }
  // After step k, bins last touched at k close; their load folds into the running max.
  const closesAfter: number[][] = order.map(() => []);
  const lastTouch = new Int32Array(binCount).fill(-1);
  options.forEach((opts, k) => opts.forEach((o) => (lastTouch[o.slot] = k)));
  lastTouch.forEach((k, slot) => closesAfter[k]!.push(slot));
  const capacityLastTouch = new Int32Array(capCount).fill(-1);
  options.forEach((opts, k) => opts.forEach((o) => o.capacitySlot >= 0 && (capacityLastTouch[o.capacitySlot] = k)));
  const capacityClosesAfter: number[][] = order.map(() => []);
  capacityLastTouch.forEach((k, slot) => capacityClosesAfter[k]!.push(slot));

  // Suffix facts for the bounds: least total weight still to place, and the bins it may go to.
  const minWeightSuffix = new Float64Array(n + 1);
  const suffixBins: number[][] = new Array<number[]>(n + 1);
  suffixBins[n] = [];
  for (let k = n - 1; k >= 0; k--) {
    minWeightSuffix[k] = minWeightSuffix[k + 1]! + Math.min(...options[k]!.map((o) => o.weightMbps));
    suffixBins[k] = [...new Set([...suffixBins[k + 1]!, ...options[k]!.map((o) => o.slot)])];
  }

  const initialLoads = new Float64Array(binCount);
  for (const [bin, slot] of binSlot) initialLoads[slot] = fixed.loadMbps[bin]!;

  const incumbent = greedyIncumbent();
  const bestMax = incumbent.maxMbps;
  const bestSum = incumbent.sumMbps;

  let states: State[] = [
    { loads: initialLoads, memoryMib: new Float64Array(capCount), vcpus: new Float64Array(capCount), maxClosedMbps: floorMbps, sumMbps: 0, posts: 0, parent: null, option: -1 },
  ];
  for (let k = 0; k < n; k++) {
    const next: State[] = [];
    for (const s of states) {
      options[k]!.forEach((o, oi) => {
        let memoryMib = s.memoryMib;
        let vcpus = s.vcpus;
        if (o.capacitySlot >= 0) {
          if (s.memoryMib[o.capacitySlot]! + memoryNeed[k]! > freeMemory[o.capacitySlot]! + 1e-9) return;
          if (s.vcpus[o.capacitySlot]! + vcpuNeed[k]! > freeVcpus[o.capacitySlot]! + 1e-9) return;
          memoryMib = Float64Array.from(s.memoryMib);
          vcpus = Float64Array.from(s.vcpus);
          memoryMib[o.capacitySlot]! += memoryNeed[k]!;
          vcpus[o.capacitySlot]! += vcpuNeed[k]!;
        }
        const loads = Float64Array.from(s.loads);
        loads[o.slot]! += o.weightMbps;
        let maxClosedMbps = s.maxClosedMbps;
        for (const slot of closesAfter[k]!) {
          maxClosedMbps = Math.max(maxClosedMbps, loads[slot]!);
          loads[slot] = 0;
        }
        if (capacityClosesAfter[k]!.length > 0) {
          if (memoryMib === s.memoryMib) {
            memoryMib = Float64Array.from(s.memoryMib);
            vcpus = Float64Array.from(s.vcpus);
          }
          for (const slot of capacityClosesAfter[k]!) memoryMib[slot] = vcpus[slot] = 0;
        }
        const state: State = { loads, memoryMib, vcpus, maxClosedMbps, sumMbps: s.sumMbps + o.weightMbps, posts: s.posts + (o.postCopy ? 1 : 0), parent: s, option: oi };
        if (!boundedOut(state, k + 1)) next.push(state);
      });
    }
    states = paretoFront(next);
    if (states.length > MAX_STATES_PER_STEP) {
      throw new Error(`planner: a group of ${n} coupled moves needs more than ${MAX_STATES_PER_STEP} states per step; split the playbook or fix destinations`);
    }
  }
  if (states.length === 0) return null;
  let best = states[0]!;
  for (const s of states) {
    const d = s.maxClosedMbps - best.maxClosedMbps;
    if (d < -MBPS_TOLERANCE || (d <= MBPS_TOLERANCE && (s.sumMbps < best.sumMbps - MBPS_TOLERANCE || (Math.abs(s.sumMbps - best.sumMbps) <= MBPS_TOLERANCE && s.posts < best.posts)))) best = s;
  }
  const chosen = new Map<number, number>();
  for (let s: State | null = best, k = n - 1; s && s.parent; s = s.parent, k--) chosen.set(order[k]!, s.option);
  return items.map((i) => chosen.get(i)!);

  function boundedOut(s: State, from: number): boolean {
    let maxBound = s.maxClosedMbps;
    for (let slot = 0; slot < binCount; slot++) maxBound = Math.max(maxBound, s.loads[slot]!);
    maxBound = Math.max(maxBound, waterLevel(s.loads, suffixBins[from]!, minWeightSuffix[from]!));
    if (maxBound > bestMax + MBPS_TOLERANCE) return true;
    const sumBound = s.sumMbps + minWeightSuffix[from]!;
    return maxBound >= bestMax - MBPS_TOLERANCE && sumBound > bestSum + MBPS_TOLERANCE;
  }

  /** Least possible max over `bins` once `volumeMbps` more is spread over them. */
  function waterLevel(loads: Float64Array, bins: readonly number[], volumeMbps: number): number {
    if (bins.length === 0 || volumeMbps <= 0) return 0;
    const sorted = bins.map((b) => loads[b]!).sort((x, y) => x - y);
    let filled = 0;
    for (let i = 0; i < sorted.length; i++) {
      filled += sorted[i]!;
      const level = (volumeMbps + filled) / (i + 1);
      if (i + 1 === sorted.length || level <= sorted[i + 1]!) return level;
    }
    return Infinity;
  }

  /** A quick complete assignment (largest moves first, least resulting load) to prune against. */
  function greedyIncumbent(): { maxMbps: number; sumMbps: number } {
    const loads = Float64Array.from(initialLoads);
    const memoryMib = new Float64Array(capCount);
    const vcpus = new Float64Array(capCount);
    let sumMbps = 0;
    const byWeight = [...Array(n).keys()].sort((x, y) => Math.max(...options[y]!.map((o) => o.weightMbps)) - Math.max(...options[x]!.map((o) => o.weightMbps)) || x - y);
    for (const k of byWeight) {
      let pick: SlotOption | undefined;
      for (const o of options[k]!) {
        if (o.capacitySlot >= 0 && (memoryMib[o.capacitySlot]! + memoryNeed[k]! > freeMemory[o.capacitySlot]! || vcpus[o.capacitySlot]! + vcpuNeed[k]! > freeVcpus[o.capacitySlot]!)) continue;
        if (!pick || loads[o.slot]! + o.weightMbps < loads[pick.slot]! + pick.weightMbps) pick = o;
      }
      if (!pick) return { maxMbps: Infinity, sumMbps: Infinity };
      loads[pick.slot]! += pick.weightMbps;
      sumMbps += pick.weightMbps;
      if (pick.capacitySlot >= 0) {
        memoryMib[pick.capacitySlot]! += memoryNeed[k]!;
        vcpus[pick.capacitySlot]! += vcpuNeed[k]!;
      }
    }
    return { maxMbps: Math.max(floorMbps, ...loads), sumMbps };
  }
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
