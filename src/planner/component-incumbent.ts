// A good complete assignment to prune against: greedy (largest moves first, least resulting
// load), then local moves that lower the max load (or spread it), then the contending traffic.
import type { ComponentLayout } from './component-layout.ts';
import { compareMbps } from './objective.ts';

export interface Incumbent {
  /** Option per step; empty when the greedy found no assignment that fits the capacities. */
  choice: Int32Array;
  feasible: boolean;
}

export function findIncumbent(layout: ComponentLayout): Incumbent {
  const n = layout.order.length;
  const { options, memoryNeedMib, vcpuNeed, freeMemoryMib, freeVcpus } = layout;
  const loads = Float64Array.from(layout.initialLoadMbps);
  const memory = new Float64Array(layout.capacityCount);
  const vcpus = new Float64Array(layout.capacityCount);
  const choice = new Int32Array(n).fill(-1);
  const fits = (k: number, oi: number): boolean => {
    const c = options[k]![oi]!.capacitySlot;
    return c < 0 || (memory[c]! + memoryNeedMib[k]! <= freeMemoryMib[c]! + 1e-9 && vcpus[c]! + vcpuNeed[k]! <= freeVcpus[c]! + 1e-9);
  };
  const place = (k: number, oi: number, sign: 1 | -1): void => {
    const o = options[k]![oi]!;
    loads[o.slot]! += sign * o.weightMbps;
    if (o.capacitySlot >= 0) {
      memory[o.capacitySlot]! += sign * memoryNeedMib[k]!;
      vcpus[o.capacitySlot]! += sign * vcpuNeed[k]!;
    }
  };
  const heaviest = (k: number): number => Math.max(...options[k]!.map((o) => o.weightMbps));
  const byWeight = [...Array(n).keys()].sort((x, y) => heaviest(y) - heaviest(x) || x - y);
  for (const k of byWeight) {
    let pick = -1;
    options[k]!.forEach((o, oi) => {
      if (!fits(k, oi)) return;
      const p = pick >= 0 ? options[k]![pick]! : undefined;
      if (!p || compareMbps(loads[o.slot]! + o.weightMbps, loads[p.slot]! + p.weightMbps) < 0) pick = oi;
    });
    if (pick < 0) return { choice, feasible: false };
    choice[k] = pick;
    place(k, pick, 1);
  }

  const maxLoad = (): number => loads.reduce((m, x) => Math.max(m, x), 0);
  // Phase 1 lowers the max load and, at equal max, the sum of squares (spreads load off the top
  // bins); phase 2 lowers the contending traffic without raising the max.
  for (const phase of [1, 2]) {
    for (let pass = 0, improved = true; improved && pass < 50; pass++) {
      improved = false;
      for (let k = 0; k < n; k++) {
        const current = choice[k]!;
        const from = options[k]![current]!;
        for (let oi = 0; oi < options[k]!.length; oi++) {
          if (oi === current) continue;
          const to = options[k]![oi]!;
          const before = maxLoad();
          place(k, current, -1);
          const ok = fits(k, oi);
          place(k, oi, 1);
          const after = maxLoad();
          const fromLoad = loads[from.slot]!;
          const toLoad = loads[to.slot]!;
          const squares = from.slot === to.slot ? 0 : (toLoad * toLoad - (toLoad - to.weightMbps) ** 2) - ((fromLoad + from.weightMbps) ** 2 - fromLoad * fromLoad);
          const better =
            ok &&
            (compareMbps(after, before) < 0 ||
              (compareMbps(after, before) === 0 && (phase === 1 ? compareMbps(squares, 0) < 0 : compareMbps(to.weightMbps, from.weightMbps) < 0)));
          if (better) {
            choice[k] = oi;
            improved = true;
            break;
          }
          place(k, oi, -1);
          place(k, current, 1);
        }
      }
    }
  }
  return { choice, feasible: true };
}
