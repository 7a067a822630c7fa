// PlanInput → Plan: exact mode (and destination) choice, waves under the limits, explanations.
import { hostContention, maxContentionMbps, type MigrationInFlight } from './contention.ts';
import { explainChoice } from './explain.ts';
import { buildPlanningProblem } from './problem.ts';
import { solveAssignment } from './solve-assignment.ts';
import type { Plan, PlanInput, PlannedMigration, VmTraffic, WaveSummary } from './types.ts';
import { assignWaves } from './waves.ts';

export function planMigrations(input: PlanInput): Plan {
  const problem = buildPlanningProblem(input);
  const { chosen, proven, lowerBoundMbps } = solveAssignment(problem);
  const inFlight: MigrationInFlight[] = problem.items.map((it, i) => {
    const o = it.options[chosen[i]!]!;
    return { vm: it.vm.vm, from: it.move.from, to: problem.hostNames[o.destination]!, mode: o.mode };
  });
  const hosts = hostContention(input.hosts, input.vms, inFlight);
  const contentionMbps = maxContentionMbps(hosts);
  const loadMbps = new Float64Array(2 * hosts.length);
  hosts.forEach((h, i) => {
    loadMbps[2 * i] = h.sourceMbps;
    loadMbps[2 * i + 1] = h.destinationMbps;
  });
  const waveOf = assignWaves(
    inFlight.map((m, i) => ({ from: m.from, to: m.to, freedMbps: problem.items[i]!.vm.txMbps + problem.items[i]!.vm.rxMbps })),
    input.limits,
  );
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
  }));
  const waves = migrations.length === 0 ? 0 : Math.max(...waveOf) + 1;
  const contendingTrafficMbps = migrations.reduce((s, m) => s + (m.mode === 'pre-copy' ? m.txMbps : m.rxMbps), 0);
  return {
    strategy: input.strategy,
    objective: input.objective,
    contentionMbps,
    migrations,
    hosts,
    waves,
    contendingTrafficMbps,
    provenOptimal: proven,
    contentionLowerBoundMbps: lowerBoundMbps,
    waveSummaries: summariseWaves(input, inFlight, waveOf, waves),
  };
}

function summariseWaves(input: PlanInput, inFlight: readonly MigrationInFlight[], waveOf: readonly number[], waves: number): WaveSummary[] {
  const summaries: WaveSummary[] = [];
  for (let w = 0; w < waves; w++) {
    // VMs of earlier waves already run on their destination; later ones still on their source.
    const destinationOf = new Map(inFlight.filter((_, i) => waveOf[i]! < w).map((m) => [m.vm, m.to]));
    const vms: VmTraffic[] = input.vms.map((v) => ({ ...v, host: destinationOf.get(v.vm) ?? v.host }));
    const now = inFlight.filter((_, i) => waveOf[i] === w);
    summaries.push({ wave: w, migrations: now.length, contentionMbps: maxContentionMbps(hostContention(input.hosts, vms, now)), estimatedDurationS: 0 });
  }
  return summaries;
}
