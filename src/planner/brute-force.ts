// The seed's method, as a baseline and a test oracle: try every combination of modes (and
// destinations), keep the best by the planner's key. Exponential on purpose; no shared solver code.
import { hostContention } from './contention.ts';
import { moveModes } from './move-modes.ts';
import { comparePlanKeys, type PlanKey } from './plan-key.ts';
import type { MigrationMode, PlanInput } from './types.ts';

export interface BruteForceResult extends PlanKey {
  assignment: Array<{ vm: string; to: string; mode: MigrationMode }>;
  /** How many combinations were tried (capacity-infeasible ones included). */
  combinations: number;
}

const MAX_COMBINATIONS = 2 ** 27;

/** Null when no combination fits the capacities. */
export function bruteForcePlan(input: PlanInput): BruteForceResult | null {
  const hostIndex = new Map(input.hosts.map((h, i) => [h.host, i]));
  const vmByName = new Map(input.vms.map((v) => [v.vm, v]));
  const moving = new Set(input.moves.map((m) => m.vm));
  const base = hostContention(input.hosts, input.vms.filter((v) => !moving.has(v.vm)), []);
  const loads = base.flatMap((h) => [h.sourceMbps, h.destinationMbps]);
  const freeMib = input.hosts.map((h) => h.memoryMib ?? Infinity);
  const freeVcpus = input.hosts.map((h) => h.vcpus ?? Infinity);
  for (const v of input.vms) {
    freeMib[hostIndex.get(v.host)!]! -= v.memoryMib;
    freeVcpus[hostIndex.get(v.host)!]! -= v.vcpus ?? 0;
  }
  const choices = input.moves.map((m) => {
    const v = vmByName.get(m.vm)!;
    const s = hostIndex.get(m.from)!;
    const { modes } = moveModes(m, input.strategy, input.allowedModes);
    return modes.flatMap((mode) =>
      [...new Set(m.to)].filter((t) => t !== m.from).map((to) => {
        const d = hostIndex.get(to)!;
        return { to, mode, dest: d, bin: mode === 'pre-copy' ? 2 * s : 2 * d + 1, weight: mode === 'pre-copy' ? v.txMbps : v.rxMbps, mib: v.memoryMib, vcpus: v.vcpus ?? 0 };
      }),
    );
  });
  const combinations = choices.reduce((p, c) => p * c.length, 1);
  if (combinations > MAX_COMBINATIONS) throw new Error(`brute force: ${combinations} combinations is too many`);

  const n = choices.length;
  const digit = new Array<number>(n).fill(0);
  const usedMib = freeMib.map(() => 0);
  const usedVcpus = freeVcpus.map(() => 0);
  const apply = (k: number, sign: 1 | -1): void => {
    const c = choices[k]![digit[k]!]!;
    loads[c.bin]! += sign * c.weight;
    usedMib[c.dest]! += sign * c.mib;
    usedVcpus[c.dest]! += sign * c.vcpus;
  };
  for (let k = 0; k < n; k++) apply(k, 1);
  let best: { key: PlanKey; digits: number[] } | null = null;
  for (let tried = 0; tried < combinations; tried++) {
    if (usedMib.every((u, h) => u <= freeMib[h]! + 1e-9) && usedVcpus.every((u, h) => u <= freeVcpus[h]! + 1e-9)) {
      let sum = 0;
      let posts = 0;
      for (let k = 0; k < n; k++) {
        const c = choices[k]![digit[k]!]!;
        sum += c.weight;
        if (c.mode === 'post-copy') posts++;
      }
      const key = { contentionMbps: Math.max(0, ...loads), contendingTrafficMbps: sum, postCopies: posts };
      if (!best || comparePlanKeys(key, best.key) < 0) best = { key, digits: [...digit] };
    }
    // Odometer step: change one digit at a time, updating loads incrementally.
    for (let k = 0; k < n; k++) {
      apply(k, -1);
      digit[k] = (digit[k]! + 1) % choices[k]!.length;
      apply(k, 1);
      if (digit[k] !== 0) break;
    }
  }
  if (!best) return null;
  const found = best;
  return {
    ...found.key,
    assignment: input.moves.map((m, k) => ({ vm: m.vm, to: choices[k]![found.digits[k]!]!.to, mode: choices[k]![found.digits[k]!]!.mode })),
    combinations,
  };
}
