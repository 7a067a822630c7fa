// The seed's method, as a baseline and a test oracle: try every combination of modes (and
// destinations), keep the best by the planner's key. Exponential on purpose. It shares no code
// with the planner but the objective (what "better" means) and the input types: the contention
// model and the mode rules are written out again here, from the README.
import { comparePlanKeys, planKey, type PlanKey } from '../../src/planner/objective.ts';
import type { MigrationMode, MoveRequest, PlanInput } from '../../src/planner/types.ts';

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
  // Bin 2h: host h's outbound side; 2h+1: its inbound side. Staying VMs count where they run.
  const loads = input.hosts.flatMap((h) => [h.backgroundTxMbps, h.backgroundRxMbps]);
  for (const v of input.vms) {
    if (moving.has(v.vm)) continue;
    loads[2 * hostIndex.get(v.host)!]! += v.txMbps;
    loads[2 * hostIndex.get(v.host)! + 1]! += v.rxMbps;
  }
  const freeMib = input.hosts.map((h) => h.memoryMib ?? Infinity);
  const freeVcpus = input.hosts.map((h) => h.vcpus ?? Infinity);
  for (const v of input.vms) {
    freeMib[hostIndex.get(v.host)!]! -= v.memoryMib;
    freeVcpus[hostIndex.get(v.host)!]! -= v.vcpus ?? 0;
  }
  const choices = input.moves.map((m) => {
    const v = vmByName.get(m.vm)!;
    const s = hostIndex.get(m.from)!;
    const modes = modesOf(m, input);
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
      const key = planKey(Math.max(0, ...loads), sum, posts);
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

/** The modes a move may take: a pin, else the strategy's, within constraints.modes and post-copy deny. */
function modesOf(move: MoveRequest, input: PlanInput): MigrationMode[] {
  const permitted = (['pre-copy', 'post-copy'] as const).filter((mode) => input.allowedModes.includes(mode) && (mode === 'pre-copy' || move.postcopyAllowed));
  if (move.pinnedMode) return permitted.includes(move.pinnedMode) ? [move.pinnedMode] : [];
  if (input.strategy === 'traffic-sensitive') return permitted;
  if (permitted.includes(input.strategy)) return [input.strategy];
  return permitted.slice(0, 1);
}
