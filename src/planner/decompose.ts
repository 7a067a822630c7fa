// Splits the moves into independent groups: moves couple only through a bin (a host side) or a
// destination's capacity they may share. Moves with nothing to choose are fixed up front.
import type { PlanningProblem } from './problem.ts';

export interface FixedPart {
  /** Per item: its fixed option, or -1 when the item is free (part of a component). */
  optionOf: Int32Array;
  /** Bin loads with the fixed moves applied. */
  loadMbps: Float64Array;
  /** Capacity left after every move whose destination is fixed. */
  freeMemoryMib: Float64Array;
  freeVcpus: Float64Array;
}

export interface Component {
  items: number[];
  /** One source, one fixed destination, both modes open: the pair solver applies. */
  pair: boolean;
}

export function capacityLimited(problem: PlanningProblem, host: number): boolean {
  return Number.isFinite(problem.freeMemoryMib[host]!) || Number.isFinite(problem.freeVcpus[host]!);
}

/** True when the item's capacity use depends on which option it takes. */
export function usesVariableCapacity(problem: PlanningProblem, item: number): boolean {
  const it = problem.items[item]!;
  return it.variableDestination && it.options.some((o) => capacityLimited(problem, o.destination));
}

export function decompose(problem: PlanningProblem): { fixed: FixedPart; components: Component[] } {
  const hostCount = problem.hostNames.length;
  const fixed: FixedPart = {
    optionOf: new Int32Array(problem.items.length).fill(-1),
    loadMbps: Float64Array.from(problem.baseLoadMbps),
    freeMemoryMib: Float64Array.from(problem.freeMemoryMib),
    freeVcpus: Float64Array.from(problem.freeVcpus),
  };
  const parent = [...Array(3 * hostCount).keys()];
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  const free: number[] = [];
  problem.items.forEach((it, i) => {
    const variableCapacity = usesVariableCapacity(problem, i);
    if (!it.variableDestination) {
      const d = it.options[0]!.destination;
      fixed.freeMemoryMib[d]! -= it.vm.memoryMib;
      fixed.freeVcpus[d]! -= it.vm.vcpus ?? 0;
    }
    const bins = new Set(it.options.map((o) => o.bin));
    if (bins.size === 1 && !variableCapacity) {
      // Every option loads the same bin by the same rate: nothing to decide for contention.
      fixed.optionOf[i] = 0;
      fixed.loadMbps[it.options[0]!.bin]! += it.options[0]!.weightMbps;
      return;
    }
    free.push(i);
    const nodes = [...bins];
    if (variableCapacity) for (const o of it.options) if (capacityLimited(problem, o.destination)) nodes.push(2 * hostCount + o.destination);
    for (const node of nodes) parent[find(node)] = find(nodes[0]!);
  });

  const groups = new Map<number, number[]>();
  for (const i of free) {
    const root = find(problem.items[i]!.options[0]!.bin);
    const group = groups.get(root) ?? [];
    group.push(i);
    groups.set(root, group);
  }
  const components = [...groups.values()].map((items): Component => {
    const first = problem.items[items[0]!]!;
    const pair = items.every((i) => {
      const it = problem.items[i]!;
      return !it.variableDestination && it.options.length === 2 && it.source === first.source && it.options[0]!.destination === first.options[0]!.destination;
    });
    return { items, pair };
  });
  return { fixed, components };
}
