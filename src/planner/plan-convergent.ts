// Never plan a migration that cannot finish. A pre-copy the time model predicts not to converge
// within the timeout (alone, or in the plan's waves) is not chosen plain: by the playbook's
// convergence policy its VM goes by post-copy or by pre-copy with auto-converge (a pin the
// solver respects), or the plan is refused before anything moves. `ignore` plans it plain all
// the same, says so in its reason and counts it at its timeout (which aborts it if it does not
// finish). Pure.
import { atRuleOf, PlanInfeasibleError } from './plan-infeasible-error.ts';
import { planMigrations, planMigrationsAsync } from './plan-migrations.ts';
import { DEFAULT_TIME_LIMIT_MS, type PlanOptions } from './plan-pace.ts';
import { movePermittedModes } from './move-modes.ts';
import { mibPerSecond } from './time-model.ts';
import type { ConvergencePolicy, MoveRequest, Plan, PlanInput, PlannedMigration } from './types.ts';
import { simulateWave } from './wave-fluid-model.ts';

type Remedy = 'post-copy' | 'auto-converge';

interface Remedied {
  remedy: Remedy;
  evidence: Evidence;
  /** Why an earlier remedy was passed over, for people. */
  note?: string;
}

interface Evidence {
  durationS: number;
  streamMbps: number;
  /** Where the evidence comes from, for people. */
  context: 'alone' | 'in the plan';
}

const REMEDIES: Record<ConvergencePolicy, Remedy[]> = {
  'prefer-post-copy': ['post-copy', 'auto-converge'],
  'auto-converge': ['auto-converge', 'post-copy'],
  fail: [],
  ignore: [],
};

export function planConvergentMigrations(input: PlanInput, options: PlanOptions = {}): Plan {
  const rounds = convergenceRounds(input);
  const share = shareTimeLimit(options);
  for (let next = rounds.next(); ; ) {
    if (next.done) return next.value;
    next = rounds.next(planMigrations(next.value, share()));
  }
}

/** As planConvergentMigrations, each solve yielding to the event loop (progress, Ctrl-C). */
export async function planConvergentMigrationsAsync(input: PlanInput, options: PlanOptions = {}): Promise<Plan> {
  const rounds = convergenceRounds(input);
  const share = shareTimeLimit(options);
  for (let next = rounds.next(); ; ) {
    if (next.done) return next.value;
    next = rounds.next(await planMigrationsAsync(next.value, share()));
  }
}

/** A round may plan again: every round shares the one time limit (each gets at least a short slice). */
const MIN_ROUND_MS = 200;

function shareTimeLimit(options: PlanOptions): () => PlanOptions {
  const clock = options.nowMs ?? (() => performance.now());
  const endMs = clock() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  return () => ({ ...options, timeLimitMs: Math.max(MIN_ROUND_MS, endMs - clock()) });
}

/** The convergence rule as a dialogue: it yields the input to solve and receives the plan. */
function* convergenceRounds(input: PlanInput): Generator<PlanInput, Plan, Plan> {
  const timeoutS = input.timeoutMs !== undefined && input.timeoutMs > 0 ? input.timeoutMs / 1000 : Infinity;
  const policy = input.convergence ?? 'prefer-post-copy';
  if (policy === 'ignore') return ignoredConvergence(input, yield input, timeoutS);
  const remedyOf = new Map<string, Remedied>();
  const moveByVm = new Map(input.moves.map((m) => [m.vm, m]));

  /** The next remedy for this VM after its current one, or a refusal naming the facts. */
  const escalate = (move: MoveRequest, evidence: Evidence): void => {
    const tried = remedyOf.get(move.vm)?.remedy;
    const ladder = REMEDIES[policy].filter((r) => usable(input, move, r));
    let note = tried === 'auto-converge' ? 'auto-converge would not finish in time either' : undefined;
    for (const remedy of ladder.slice(tried === undefined ? 0 : ladder.indexOf(tried) + 1)) {
      if (remedy === 'auto-converge') {
        const throttled = bestAloneS(withRemedies(input, new Map([[move.vm, { remedy, evidence }]])), move);
        if (!(throttled.durationS <= timeoutS)) {
          note = 'auto-converge would not finish in time either';
          continue;
        }
      }
      remedyOf.set(move.vm, { remedy, evidence, note });
      return;
    }
    throw refusal(input, move, evidence, timeoutS, policy);
  };

  for (const move of input.moves) {
    if (!movePermittedModes(move, input.allowedModes).includes('pre-copy') || move.pinnedMode === 'post-copy') continue;
    const alone = bestAloneS(input, move, timeoutS);
    if (!(alone.durationS <= timeoutS)) escalate(move, alone);
  }
  // Each round escalates at least one VM, and each VM has at most two remedies.
  for (let round = 0; round <= 2 * input.moves.length + 1; round++) {
    const plan = yield withRemedies(input, remedyOf);
    const late = plan.migrations.filter((m) => isLate(m, timeoutS));
    if (late.length === 0) return plan;
    for (const m of late) escalate(moveByVm.get(m.vm)!, evidenceInPlan(m));
  }
  throw new Error('convergence rule: no stable plan (a bug)');
}

/**
 * convergence: ignore. A pre-copy predicted beyond the timeout stays as planned; its reason says
 * what was predicted, and its estimate (and its wave's) is the timeout, where it would be aborted.
 */
function ignoredConvergence(input: PlanInput, plan: Plan, timeoutS: number): Plan {
  if (!plan.migrations.some((m) => isLate(m, timeoutS))) return plan;
  const within = Number.isFinite(timeoutS) ? `within ${timeoutS}s` : 'ever';
  const migrations = plan.migrations.map((m) => {
    if (!isLate(m, timeoutS)) return m;
    const vm = input.vms.find((v) => v.vm === m.vm);
    const reason = `${m.reason}; predicted not to converge ${within} (${facts(vm?.dirtyMibPerS ?? 0, evidenceInPlan(m))}), planned plain (convergence: ignore): the timeout aborts it if so, the VM staying on ${m.from}`;
    return { ...m, reason, estimatedDurationS: Number.isFinite(timeoutS) ? timeoutS : undefined };
  });
  const waveSummaries = plan.waveSummaries?.map((w) => ({ ...w, estimatedDurationS: Math.min(w.estimatedDurationS, timeoutS) }));
  const totalS = waveSummaries?.reduce((sum, w) => sum + w.estimatedDurationS, 0);
  return { ...plan, migrations, ...(waveSummaries ? { waveSummaries } : {}), estimatedTotalTimeS: totalS !== undefined && Number.isFinite(totalS) ? totalS : undefined };
}

/** A planned pre-copy the model does not see finishing within the timeout. */
function isLate(m: PlannedMigration, timeoutS: number): boolean {
  return m.mode === 'pre-copy' && !((m.estimatedDurationS ?? 0) <= timeoutS);
}

function evidenceInPlan(m: PlannedMigration): Evidence {
  return { durationS: m.estimatedDurationS ?? Infinity, streamMbps: m.predictedStreamMbps ?? 0, context: 'in the plan' };
}

function usable(input: PlanInput, move: MoveRequest, remedy: Remedy): boolean {
  const permitted = movePermittedModes(move, input.allowedModes);
  if (remedy === 'post-copy') return permitted.includes('post-copy') && move.pinnedMode !== 'pre-copy';
  // Already throttled everywhere (constraints.auto_converge): nothing more to gain.
  return permitted.includes('pre-copy') && move.pinnedMode !== 'post-copy' && input.autoConverge !== true;
}

/**
 * The move's pre-copy with nothing else migrating, to its best destination — or to the first one
 * where it finishes within `enoughS` (a drain to `any` has dozens of candidates to simulate).
 */
function bestAloneS(input: PlanInput, move: MoveRequest, enoughS = 0): Evidence {
  let best: Evidence = { durationS: Infinity, streamMbps: 0, context: 'alone' };
  for (const to of move.to.filter((d) => d !== move.from)) {
    const [e] = simulateWave(input, [{ vm: move.vm, from: move.from, to, mode: 'pre-copy', wave: 0 }], 0, [0]);
    if (e && (e.durationS < best.durationS || (best.durationS === Infinity && e.meanRateMbps > best.streamMbps))) {
      best = { durationS: e.durationS, streamMbps: e.meanRateMbps, context: 'alone' };
    }
    if (best.durationS <= enoughS) break;
  }
  return best;
}

function withRemedies(input: PlanInput, remedyOf: ReadonlyMap<string, Remedied>): PlanInput {
  if (remedyOf.size === 0) return input;
  const policy = input.convergence ?? 'prefer-post-copy';
  const timeout = input.timeoutMs !== undefined ? `${input.timeoutMs / 1000}s` : 'ever';
  return {
    ...input,
    moves: input.moves.map((move) => {
      const r = remedyOf.get(move.vm);
      if (!r) return move;
      const vm = input.vms.find((v) => v.vm === move.vm);
      const why = `pre-copy would not converge within ${timeout} (${facts(vm?.dirtyMibPerS ?? 0, r.evidence)})${r.note ? `, ${r.note}` : ''}; convergence: ${policy}`;
      return r.remedy === 'post-copy'
        ? { ...move, pinnedMode: 'post-copy' as const, pinnedReason: `post-copy: ${why}` }
        : { ...move, pinnedMode: 'pre-copy' as const, autoConverge: true, pinnedReason: `pre-copy with auto-converge: ${why}` };
    }),
  };
}

function facts(dirtyMibPerS: number, e: Evidence): string {
  const stream = `${e.streamMbps.toFixed(0)} Mbps = ${mibPerSecond(e.streamMbps).toFixed(1)} MiB/s`;
  return `it dirties ${dirtyMibPerS.toFixed(1)} MiB/s, its stream would get ${stream} ${e.context}`;
}

function refusal(input: PlanInput, move: MoveRequest, e: Evidence, timeoutS: number, policy: ConvergencePolicy): PlanInfeasibleError {
  const vm = input.vms.find((v) => v.vm === move.vm);
  const within = Number.isFinite(timeoutS) ? `within the ${timeoutS}s timeout` : 'ever';
  const fix =
    policy === 'fail'
      ? 'set constraints.convergence to prefer-post-copy or auto-converge'
      : 'allow post-copy for it, raise constraints.timeout, or lower its dirty rate';
  return new PlanInfeasibleError(`${atRuleOf(move)}VM ${move.vm}: pre-copy would not converge ${within}: ${facts(vm?.dirtyMibPerS ?? 0, e)} (convergence: ${policy}); ${fix}`, [move.from], [move.vm]);
}
