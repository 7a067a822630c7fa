// A second exact formulation for inputs made of disjoint host pairs with integer rates: a
// knapsack over every integer total of pre-copy TX. Independent of the planner's solvers; the
// tests and the bench check the planner against it where brute force is out of reach.
import { comparePlanKeys, planKey, type PlanKey } from '../../src/planner/objective.ts';
import type { PlanInput } from '../../src/planner/types.ts';

/** For each integer pre-copy TX total t: the most pre-copy RX and then the most pre-copy VMs. */
function knapsackTable(tx: number[], rx: number[]): { bestRx: Int32Array; bestCount: Int32Array } {
  const total = tx.reduce((s, x) => s + x, 0);
  const bestRx = new Int32Array(total + 1).fill(-1);
  const bestCount = new Int32Array(total + 1).fill(-1);
  bestRx[0] = 0;
  bestCount[0] = 0;
  tx.forEach((w, i) => {
    for (let t = total; t >= w; t--) {
      if (bestRx[t - w]! < 0) continue;
      const r = bestRx[t - w]! + rx[i]!;
      const c = bestCount[t - w]! + 1;
      if (r > bestRx[t]! || (r === bestRx[t]! && c > bestCount[t]!)) {
        bestRx[t] = r;
        bestCount[t] = c;
      }
    }
  });
  return { bestRx, bestCount };
}

/** The best key of one pair whose contention counts as at least `floorMbps`. */
function pairOptimum(sourceBase: number, destinationBase: number, tx: number[], rx: number[], floorMbps: number): PlanKey {
  const { bestRx, bestCount } = knapsackTable(tx, rx);
  const rxTotal = rx.reduce((s, x) => s + x, 0);
  let best: PlanKey | undefined;
  bestRx.forEach((r, t) => {
    if (r < 0) return;
    const key = planKey(Math.max(floorMbps, sourceBase + t, destinationBase + rxTotal - r), t + rxTotal - r, tx.length - bestCount[t]!);
    if (!best || comparePlanKeys(key, best) < 0) best = key;
  });
  return best!;
}

/** Independent optimum of an input made of disjoint pairs, every VM moving, no residents. */
export function pairsKnapsackOptimum(input: PlanInput): PlanKey {
  const groups = new Map<string, { from: string; to: string; tx: number[]; rx: number[] }>();
  for (const m of input.moves) {
    const v = input.vms.find((x) => x.vm === m.vm)!;
    const g = groups.get(m.from) ?? { from: m.from, to: m.to[0]!, tx: [], rx: [] };
    g.tx.push(v.txMbps);
    g.rx.push(v.rxMbps);
    groups.set(m.from, g);
  }
  const host = (name: string) => input.hosts.find((h) => h.host === name)!;
  // Hosts' other sides carry only background: they set a floor no choice can lower.
  let floor = 0;
  for (const h of input.hosts) {
    const sends = [...groups.values()].some((g) => g.from === h.host);
    const receives = [...groups.values()].some((g) => g.to === h.host);
    floor = Math.max(floor, sends ? 0 : h.backgroundTxMbps, receives ? 0 : h.backgroundRxMbps);
  }
  const first = [...groups.values()].map((g) => pairOptimum(host(g.from).backgroundTxMbps, host(g.to).backgroundRxMbps, g.tx, g.rx, floor));
  const contention = Math.max(floor, ...first.map((k) => k.contentionMbps));
  const second = [...groups.values()].map((g) => pairOptimum(host(g.from).backgroundTxMbps, host(g.to).backgroundRxMbps, g.tx, g.rx, contention));
  return planKey(contention, second.reduce((s, k) => s + k.contendingTrafficMbps, 0), second.reduce((s, k) => s + k.postCopies, 0));
}
