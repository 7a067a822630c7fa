// With destination choice under capacity, a pre-copy move loads its source whatever destination it
// takes: only capacity tells its destinations apart. The search therefore decides "pre-copy,
// somewhere" and packs those moves into their candidate hosts once every other choice is made.
import type { ComponentLayout, SlotOption } from './component-layout.ts';

export interface PreCopyCandidates {
  /** Per step: its pre-copy options (layout indices) when they were merged into one, else undefined. */
  merged: Array<number[] | undefined>;
  /** Per step and collapsed option: the layout option it stands for (the first, for a merged one). */
  layoutOption: number[][];
}

/** The layout with each step's capacity-bound pre-copy options merged into one capacity-free option. */
export function collapsePreCopies(layout: ComponentLayout): { collapsed: ComponentLayout; candidates: PreCopyCandidates } {
  const merged: Array<number[] | undefined> = [];
  const layoutOption: number[][] = [];
  const options = layout.options.map((opts) => {
    const pre = opts.flatMap((o, oi) => (!o.postCopy && o.capacitySlot >= 0 ? [oi] : []));
    if (pre.length === 0) {
      merged.push(undefined);
      layoutOption.push(opts.map((_, oi) => oi));
      return opts;
    }
    const kept: SlotOption[] = [];
    const index: number[] = [];
    opts.forEach((o, oi) => {
      if (pre.includes(oi) && oi !== pre[0]) return;
      kept.push(pre.includes(oi) ? { ...o, capacitySlot: -1, destination: -1 } : o);
      index.push(oi);
    });
    merged.push(pre);
    layoutOption.push(index);
    return kept;
  });
  return { collapsed: { ...layout, options }, candidates: { merged, layoutOption } };
}

export type PackingOutcome = { packed: Map<number, number> } | 'no fit' | 'gave up';

/**
 * Places the steps `moves` (each on one of its merged pre-copy options) without exceeding any
 * capacity, given what is already used. Largest first; hosts in equal states tried once.
 */
export function packPreCopies(layout: ComponentLayout, candidates: PreCopyCandidates, moves: readonly number[], usedMemoryMib: Float64Array, usedVcpus: Float64Array, nodeBudget: number): PackingOutcome {
  const memory = Float64Array.from(usedMemoryMib);
  const vcpus = Float64Array.from(usedVcpus);
  const order = [...moves].sort((a, b) => layout.memoryNeedMib[b]! - layout.memoryNeedMib[a]! || layout.vcpuNeed[b]! - layout.vcpuNeed[a]! || a - b);
  const packed = new Map<number, number>();
  let nodes = 0;
  const place = (i: number): boolean | 'gave up' => {
    if (i === order.length) return true;
    if (++nodes > nodeBudget) return 'gave up';
    const k = order[i]!;
    const tried: number[] = [];
    for (const oi of candidates.merged[k]!) {
      const c = layout.options[k]![oi]!.capacitySlot;
      if (memory[c]! + layout.memoryNeedMib[k]! > layout.freeMemoryMib[c]! + 1e-9 || vcpus[c]! + layout.vcpuNeed[k]! > layout.freeVcpus[c]! + 1e-9) continue;
      const leftMib = layout.freeMemoryMib[c]! - memory[c]!;
      const leftVcpus = layout.freeVcpus[c]! - vcpus[c]!;
      if (tried.some((t) => layout.freeMemoryMib[t]! - memory[t]! === leftMib && layout.freeVcpus[t]! - vcpus[t]! === leftVcpus)) continue;
      tried.push(c);
      memory[c]! += layout.memoryNeedMib[k]!;
      vcpus[c]! += layout.vcpuNeed[k]!;
      packed.set(k, oi);
      const result = place(i + 1);
      if (result !== false) return result;
      memory[c]! -= layout.memoryNeedMib[k]!;
      vcpus[c]! -= layout.vcpuNeed[k]!;
    }
    return false;
  };
  const result = place(0);
  return result === true ? { packed } : result === false ? 'no fit' : result;
}
