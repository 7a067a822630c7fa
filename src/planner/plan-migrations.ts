// PlanInput → Plan: exact mode (and destination) choice, time polish, waves under the limits,
// time estimates and explanations. Pure and deterministic.
import { hostContention, maxContentionMbps, type MigrationInFlight } from './contention.ts';
import { explainChoice } from './explain.ts';
import { contentionGap } from './objective.ts';
import { Pace, runSteps, runStepsAsync, type PlanOptions, type Steps } from './plan-pace.ts';
import { buildPlanningProblem } from './problem.ts';
import { solveAssignment } from './solve-assignment.ts';
import { polishForTime } from './time-polish.ts';
import type { Plan, PlanInput, PlannedMigration, VmTraffic, WaveSummary } from './types.ts';
import { estimateWaveTimes } from './wave-timing.ts';
import { assignWaves } from './waves.ts';

/** Plans synchronously (tests, the bench): the time limit holds, nothing else can run meanwhile. */
export function planMigrations(input: PlanInput, options: PlanOptions = {}): Plan {
  const pace = new Pace(options);
  return runSteps(planSteps(input, pace), pace);
}

/**
 * Plans without blocking the event loop: progress goes to `options.onProgress` (after the first
 * second), and `options.signal` ends planning within a slice (InterruptedError, exit 99).
 */
export function planMigrationsAsync(input: PlanInput, options: PlanOptions = {}): Promise<Plan> {
  const pace = new Pace(options);
  return runStepsAsync(planSteps(input, pace), pace, options);
}

const POLISH_MS = 500;

function* planSteps(input: PlanInput, pace: Pace): Steps<Plan> {
  const problem = buildPlanningProblem(input);
  const solved = yield* solveAssignment(problem, pace);
  // The polish is one synchronous step: bounded by the time limit and by a short slice of its own.
  const polishEndMs = Math.min(pace.deadlineMs, pace.nowMs() + POLISH_MS);
  const chosen = polishForTime(input, problem, solved.chosen, input.objective, () => pace.expired(polishEndMs));
  const inFlight: MigrationInFlight[] = problem.items.map((it, i) => {
    const o = it.options[chosen[i]!]!;
    return { vm: it.vm.vm, from: it.move.from, to: problem.hostNames[o.destination]!, mode: o.mode };
  });
  const hosts = hostContention(input.hosts, input.vms, inFlight);
  const contentionMbps = maxContentionMbps(hosts);
  const loadMbps = Float64Array.from(hosts.flatMap((h) => [h.sourceMbps, h.destinationMbps]));
  const waveOf = assignWaves(
    inFlight.map((m, i) => ({ from: m.from, to: m.to, freedMbps: problem.items[i]!.vm.txMbps + problem.items[i]!.vm.rxMbps })),
    input.limits,
  );
  const waves = waveOf.length === 0 ? 0 : Math.max(...waveOf) + 1;
  const times = estimateWaveTimes(input, inFlight.map((m, i) => ({ ...m, wave: waveOf[i]! })), waves);
  const migrations: PlannedMigration[] = problem.items.map((it, i) => ({
    vm: it.vm.vm,
    from: it.move.from,
    to: inFlight[i]!.to,
    mode: inFlight[i]!.mode,
    wave: waveOf[i]!,
    txMbps: it.vm.txMbps,
    rxMbps: it.vm.rxMbps,
    memoryMib: it.vm.memoryMib,
    reason: explainChoice(problem, i, chosen[i]!, loadMbps, contentionMbps),
    estimatedDurationS: times.durationS[i]!,
    predictedStreamMbps: times.streamMbps[i]!,
    predictedRounds: times.rounds[i]!,
    ...(it.vm.dirtyMibPerS !== undefined ? { dirtyMibPerS: it.vm.dirtyMibPerS } : {}),
    ...(inFlight[i]!.mode === 'pre-copy' && (input.autoConverge || it.move.autoConverge) ? { autoConverge: true } : {}),
  }));
  const contendingTrafficMbps = migrations.reduce((s, m) => s + (m.mode === 'pre-copy' ? m.txMbps : m.rxMbps), 0);
  // The time polish may trade contention for time (objective 'time'): the proof covers the exact solve only.
  const provenOptimal = solved.proven && (input.objective === 'contention' || contentionMbps <= solved.lowerBoundMbps + 1e-7);
  return {
    strategy: input.strategy,
    objective: input.objective,
    contentionMbps,
    migrations,
    hosts,
    waves,
    estimatedTotalTimeS: times.totalS,
    contendingTrafficMbps,
    provenOptimal,
    contentionLowerBoundMbps: solved.lowerBoundMbps,
    contentionGap: contentionGap(contentionMbps, solved.lowerBoundMbps),
    waveSummaries: summariseWaves(input, inFlight, waveOf, waves, times.waveDurationS),
  };
}

function summariseWaves(input: PlanInput, inFlight: readonly MigrationInFlight[], waveOf: readonly number[], waves: number, waveDurationS: Float64Array): WaveSummary[] {
  const summaries: WaveSummary[] = [];
  for (let w = 0; w < waves; w++) {
    // VMs of earlier waves already run on their destination; later ones still on their source.
    const destinationOf = new Map(inFlight.filter((_, i) => waveOf[i]! < w).map((m) => [m.vm, m.to]));
    const vms: VmTraffic[] = input.vms.map((v) => ({ ...v, host: destinationOf.get(v.vm) ?? v.host }));
    const now = inFlight.filter((_, i) => waveOf[i] === w);
    summaries.push({ wave: w, migrations: now.length, contentionMbps: maxContentionMbps(hostContention(input.hosts, vms, now)), estimatedDurationS: waveDurationS[w]! });
  }
  return summaries;
}
