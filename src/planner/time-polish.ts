// After the exact contention solve, local moves for time: with objective 'contention' only moves
// that keep the contention key (another destination, same mode) and shorten the estimated total
// time; with objective 'time' any move that shortens it (contention then breaks ties). A local
// optimum of the estimate, not a proven one; bounded work keeps big plans fast.
import { comparePlanKeys, planKey } from './objective.ts';
import type { PlanningProblem } from './problem.ts';
import type { PlanInput, PlanObjective } from './types.ts';
import { waveMigrationTimesS, type TimedMigration } from './wave-timing.ts';
import { assignWaves } from './waves.ts';

const MAX_EVALUATIONS = 4000;
const MAX_PASSES = 3;

interface Standing {
  totalS: number;
  contentionMbps: number;
  contendingMbps: number;
  posts: number;
}

/** `outOfTime` ends the polish early (planning's time limit; at fleet size each evaluation re-times every wave). */
export function polishForTime(input: PlanInput, problem: PlanningProblem, chosen: Int32Array, objective: PlanObjective, outOfTime: () => boolean = () => false): Int32Array {
  const choice = Int32Array.from(chosen);
  const items = problem.items;
  const loads = Float64Array.from(problem.baseLoadMbps);
  const usedMib = new Float64Array(problem.hostNames.length);
  const usedVcpus = new Float64Array(problem.hostNames.length);
  const apply = (i: number, sign: 1 | -1): void => {
    const o = items[i]!.options[choice[i]!]!;
    loads[o.bin]! += sign * o.weightMbps;
    usedMib[o.destination]! += sign * items[i]!.vm.memoryMib;
    usedVcpus[o.destination]! += sign * (items[i]!.vm.vcpus ?? 0);
  };
  items.forEach((_, i) => apply(i, 1));
  const migrations: TimedMigration[] = items.map((it) => ({ vm: it.vm.vm, from: it.move.from, to: '', mode: 'pre-copy', wave: 0 }));
  const sync = (i: number): void => {
    const o = items[i]!.options[choice[i]!]!;
    migrations[i]!.to = problem.hostNames[o.destination]!;
    migrations[i]!.mode = o.mode;
  };
  items.forEach((_, i) => sync(i));
  let waveS: number[] = [];
  const rewave = (): void => {
    const waves = assignWaves(migrations.map((m, i) => ({ from: m.from, to: m.to, freedMbps: items[i]!.vm.txMbps + items[i]!.vm.rxMbps })), input.limits);
    waves.forEach((w, i) => (migrations[i]!.wave = w));
    const count = waves.length === 0 ? 0 : Math.max(...waves) + 1;
    waveS = Array.from({ length: count }, (_, w) => waveTimeS(w));
  };
  const waveTimeS = (w: number): number => {
    const inWave = migrations.flatMap((m, i) => (m.wave === w ? [i] : []));
    return Math.max(0, ...waveMigrationTimesS(input, migrations, w, inWave));
  };
  const standing = (): Standing => ({
    totalS: waveS.reduce((s, x) => s + x, 0),
    contentionMbps: Math.max(0, ...loads),
    contendingMbps: items.reduce((s, it, i) => s + it.options[choice[i]!]!.weightMbps, 0),
    posts: items.reduce((s, it, i) => s + (it.options[choice[i]!]!.mode === 'post-copy' ? 1 : 0), 0),
  });
  const better = (a: Standing, b: Standing): boolean => {
    // A plan predicted never to finish (Infinity) is worse than any that finishes.
    const time = a.totalS === b.totalS || Math.abs(a.totalS - b.totalS) <= 1e-9 * Math.max(1, Math.min(a.totalS, b.totalS)) ? 0 : Math.sign(a.totalS - b.totalS);
    const key = comparePlanKeys(planKey(a.contentionMbps, a.contendingMbps, a.posts), planKey(b.contentionMbps, b.contendingMbps, b.posts));
    return objective === 'time' ? time < 0 || (time === 0 && key < 0) : key < 0 || (key === 0 && time < 0);
  };

  const candidates = items.map((it, i) =>
    it.options.flatMap((o, oi) => (oi !== choice[i] && (objective === 'time' || o.mode === it.options[choice[i]!]!.mode) ? [oi] : [])),
  );
  if (candidates.every((c) => c.length === 0) || outOfTime()) return choice;
  rewave();
  let current = standing();
  let evaluations = 0;
  for (let pass = 0, improved = true; improved && pass < MAX_PASSES; pass++) {
    improved = false;
    for (let i = 0; i < items.length && evaluations < MAX_EVALUATIONS && !outOfTime(); i++) {
      for (const oi of candidates[i]!) {
        // The clock is read per candidate: at fleet size one evaluation re-times every wave, and a
        // VM may have dozens of candidate hosts.
        if (evaluations >= MAX_EVALUATIONS || outOfTime()) break;
        if (oi === choice[i]) continue;
        const was = choice[i]!;
        const movesHost = items[i]!.options[oi]!.destination !== items[i]!.options[was]!.destination;
        apply(i, -1);
        choice[i] = oi;
        apply(i, 1);
        const d = items[i]!.options[oi]!.destination;
        const fits = !movesHost || (usedMib[d]! <= problem.freeMemoryMib[d]! + 1e-9 && usedVcpus[d]! <= problem.freeVcpus[d]! + 1e-9);
        if (fits) {
          evaluations++;
          sync(i);
          const savedWaves = migrations.map((m) => m.wave);
          const savedS = [...waveS];
          if (movesHost) rewave();
          else waveS[migrations[i]!.wave] = waveTimeS(migrations[i]!.wave);
          const next = standing();
          if (better(next, current)) {
            current = next;
            improved = true;
            continue;
          }
          savedWaves.forEach((w, k) => (migrations[k]!.wave = w));
          waveS = savedS;
        }
        apply(i, -1);
        choice[i] = was;
        apply(i, 1);
        sync(i);
      }
    }
  }
  return choice;
}
