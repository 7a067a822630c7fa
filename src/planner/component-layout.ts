// A component's moves laid out for the dynamic programme: a processing order, each option as
// (bin slot, weight, capacity slot), and when each bin and capacity is last touched.
import { usesVariableCapacity, type FixedPart } from './decompose.ts';
import { interchangeableHosts } from './interchangeable-hosts.ts';
import type { PlanningProblem } from './problem.ts';

export interface SlotOption {
  slot: number;
  weightMbps: number;
  /** Capacity slot charged by this option, or -1. */
  capacitySlot: number;
  postCopy: boolean;
  /** The destination host (problem index). */
  destination: number;
}

export interface ComponentLayout {
  /** Problem item per step. */
  order: number[];
  /** Per step, the options with distinct effects (identical ones would only duplicate states). */
  options: SlotOption[][];
  /** Per step and option above, the item's option index in the problem. */
  optionIndex: number[][];
  binCount: number;
  capacityCount: number;
  initialLoadMbps: Float64Array;
  memoryNeedMib: Float64Array;
  vcpuNeed: Float64Array;
  freeMemoryMib: Float64Array;
  freeVcpus: Float64Array;
  /** Bin slots no step after k touches: they close after step k. */
  closesAfter: number[][];
  capacityClosesAfter: number[][];
  /** Per host (problem index) with a twin: its interchangeability class; and its bin and capacity slots. */
  twinClass: ReadonlyMap<number, number>;
  destinationSlot: ReadonlyMap<number, number>;
  capacitySlotOf: ReadonlyMap<number, number>;
  /** Least total weight the steps k.. must still place, and the bins they may place it in. */
  minWeightSuffixMbps: Float64Array;
  suffixBins: number[][];
}

export function layOutComponent(problem: PlanningProblem, fixed: FixedPart, items: readonly number[]): ComponentLayout {
  // Source by source, destination by destination: bins close early and states stay small.
  const order = [...items].sort((i, j) => {
    const a = problem.items[i]!;
    const b = problem.items[j]!;
    return a.source - b.source || a.options[0]!.destination - b.options[0]!.destination || i - j;
  });
  const binSlot = new Map<number, number>();
  const capacitySlot = new Map<number, number>();
  const optionIndex: number[][] = [];
  const options = order.map((i) => {
    const variable = usesVariableCapacity(problem, i);
    const distinct: SlotOption[] = [];
    const indices: number[] = [];
    problem.items[i]!.options.forEach((o, oi) => {
      if (!binSlot.has(o.bin)) binSlot.set(o.bin, binSlot.size);
      let cap = -1;
      if (variable && (Number.isFinite(fixed.freeMemoryMib[o.destination]!) || Number.isFinite(fixed.freeVcpus[o.destination]!))) {
        if (!capacitySlot.has(o.destination)) capacitySlot.set(o.destination, capacitySlot.size);
        cap = capacitySlot.get(o.destination)!;
      }
      const option = { slot: binSlot.get(o.bin)!, weightMbps: o.weightMbps, capacitySlot: cap, postCopy: o.mode === 'post-copy', destination: o.destination };
      // Same bin, same capacity, same mode: the destination makes no difference here.
      if (distinct.some((d) => d.slot === option.slot && d.capacitySlot === option.capacitySlot && d.postCopy === option.postCopy)) return;
      distinct.push(option);
      indices.push(oi);
    });
    optionIndex.push(indices);
    return distinct;
  });
  const n = order.length;
  const binCount = binSlot.size;
  const capacityCount = capacitySlot.size;
  const initialLoadMbps = new Float64Array(binCount);
  for (const [bin, slot] of binSlot) initialLoadMbps[slot] = fixed.loadMbps[bin]!;
  const freeMemoryMib = new Float64Array(capacityCount);
  const freeVcpus = new Float64Array(capacityCount);
  for (const [host, slot] of capacitySlot) {
    freeMemoryMib[slot] = fixed.freeMemoryMib[host]!;
    freeVcpus[slot] = fixed.freeVcpus[host]!;
  }
  const lastStep = (count: number, slotsOf: (o: SlotOption) => number): number[][] => {
    const last = new Int32Array(count).fill(-1);
    options.forEach((opts, k) => opts.forEach((o) => slotsOf(o) >= 0 && (last[slotsOf(o)] = k)));
    const closes: number[][] = order.map(() => []);
    last.forEach((k, slot) => closes[k]!.push(slot));
    return closes;
  };
  const minWeightSuffixMbps = new Float64Array(n + 1);
  const suffixBins: number[][] = new Array<number[]>(n + 1);
  suffixBins[n] = [];
  for (let k = n - 1; k >= 0; k--) {
    minWeightSuffixMbps[k] = minWeightSuffixMbps[k + 1]! + Math.min(...options[k]!.map((o) => o.weightMbps));
    suffixBins[k] = [...new Set([...suffixBins[k + 1]!, ...options[k]!.map((o) => o.slot)])];
  }
  return {
    order,
    options,
    optionIndex,
    binCount,
    capacityCount,
    initialLoadMbps,
    memoryNeedMib: Float64Array.from(order, (i) => problem.items[i]!.vm.memoryMib),
    vcpuNeed: Float64Array.from(order, (i) => problem.items[i]!.vm.vcpus ?? 0),
    freeMemoryMib,
    freeVcpus,
    twinClass: interchangeableHosts(problem, fixed, items),
    destinationSlot: new Map([...binSlot].filter(([bin]) => bin % 2 === 1).map(([bin, slot]) => [(bin - 1) / 2, slot])),
    capacitySlotOf: capacitySlot,
    closesAfter: lastStep(binCount, (o) => o.slot),
    capacityClosesAfter: lastStep(capacityCount, (o) => o.capacitySlot),
    minWeightSuffixMbps,
    suffixBins,
  };
}
