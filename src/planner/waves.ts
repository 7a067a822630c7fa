// Orders migrations into waves that respect the parallelism limits, those that free the most
// traffic from their source first: each goes to the earliest wave with room at both ends.
import { effectiveLimits } from './plan-limits.ts';
import type { PlanLimits } from './types.ts';

export interface WaveCandidate {
  from: string;
  to: string;
  /** Application traffic the move takes off its source's NIC (tx + rx). */
  freedMbps: number;
}

/** 0-based wave per candidate (same order as given). */
export function assignWaves(candidates: readonly WaveCandidate[], limits: PlanLimits): number[] {
  const { maxParallel, maxOutboundPerHost, maxInboundPerHost } = effectiveLimits(limits);
  const order = [...candidates.keys()].sort((a, b) => candidates[b]!.freedMbps - candidates[a]!.freedMbps || a - b);
  const total: number[] = [];
  const outbound: Array<Map<string, number>> = [];
  const inbound: Array<Map<string, number>> = [];
  const wave = new Array<number>(candidates.length).fill(0);
  for (const i of order) {
    const c = candidates[i]!;
    let w = 0;
    for (; ; w++) {
      if (w === total.length) {
        total.push(0);
        outbound.push(new Map());
        inbound.push(new Map());
      }
      if (total[w]! < maxParallel && (outbound[w]!.get(c.from) ?? 0) < maxOutboundPerHost && (inbound[w]!.get(c.to) ?? 0) < maxInboundPerHost) break;
    }
    wave[i] = w;
    total[w]! += 1;
    outbound[w]!.set(c.from, (outbound[w]!.get(c.from) ?? 0) + 1);
    inbound[w]!.set(c.to, (inbound[w]!.get(c.to) ?? 0) + 1);
  }
  return wave;
}
