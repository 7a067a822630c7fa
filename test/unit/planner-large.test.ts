// Brute force is out of reach at these sizes: the planner's Pareto programme is checked against an
// independent formulation, a knapsack over every integer total of pre-copy TX (exact for integer rates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { randomPlanInput } from '../../src/planner/random-instances.ts';
import type { PlanInput } from '../../src/planner/types.ts';

interface PairKey {
  contentionMbps: number;
  contendingMbps: number;
  posts: number;
}

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
function pairOptimum(sourceBase: number, destinationBase: number, tx: number[], rx: number[], floorMbps: number): PairKey {
  const { bestRx, bestCount } = knapsackTable(tx, rx);
  const rxTotal = rx.reduce((s, x) => s + x, 0);
  let best: PairKey | undefined;
  bestRx.forEach((r, t) => {
    if (r < 0) return;
    const key = { contentionMbps: Math.max(floorMbps, sourceBase + t, destinationBase + rxTotal - r), contendingMbps: t + rxTotal - r, posts: tx.length - bestCount[t]! };
    if (!best || key.contentionMbps < best.contentionMbps || (key.contentionMbps === best.contentionMbps && (key.contendingMbps < best.contendingMbps || (key.contendingMbps === best.contendingMbps && key.posts < best.posts)))) best = key;
  });
  return best!;
}

/** Independent optimum of an input made of disjoint pairs, every VM moving, no residents. */
function pairsOptimum(input: PlanInput): PairKey {
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
  return { contentionMbps: contention, contendingMbps: second.reduce((s, k) => s + k.contendingMbps, 0), posts: second.reduce((s, k) => s + k.posts, 0) };
}

function planKey(input: PlanInput): PairKey {
  const plan = planMigrations(input);
  assert.equal(plan.provenOptimal, true);
  return { contentionMbps: plan.contentionMbps, contendingMbps: plan.contendingTrafficMbps!, posts: plan.migrations.filter((m) => m.mode === 'post-copy').length };
}

test('200 VMs on one pair: same optimum as the knapsack formulation (8 seeds)', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const input = randomPlanInput(seed, { vms: 200, sources: 1, destinations: 1, integerRates: true, backgroundMbps: seed * 300 });
    assert.deepEqual(planKey(input), pairsOptimum(input), `seed ${seed}`);
  }
});

test('1,000 VMs over 10 pairs: same optimum and tie-breaks as the knapsack formulation', () => {
  for (let seed = 1; seed <= 2; seed++) {
    const input = randomPlanInput(seed, { vms: 1000, sources: 10, destinations: 10, pairs: true, integerRates: true, backgroundMbps: 2000 });
    assert.deepEqual(planKey(input), pairsOptimum(input), `seed ${seed}`);
  }
});

test('lopsided pairs (tx ≫ rx on one, rx ≫ tx on the other) match too', () => {
  const input = randomPlanInput(7, { vms: 120, sources: 2, destinations: 2, pairs: true, integerRates: true });
  input.vms.forEach((v, i) => {
    if (i % 2 === 0) v.rxMbps = Math.floor(v.rxMbps / 10);
    else v.txMbps = Math.floor(v.txMbps / 10);
  });
  assert.deepEqual(planKey(input), pairsOptimum(input));
});
