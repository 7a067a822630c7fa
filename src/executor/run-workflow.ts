// The pipeline, end to end: connect → discover → measure → plan → migrate → verify → report.
import { setMaxListeners } from 'node:events';
import { MigrationAbortReason, type Driver, type VmInfo } from '../drivers/driver.ts';
import { ExitCode, UsageError } from '../errors.ts';
import { measureTraffic } from '../measure/measure-traffic.ts';
import { planConvergentMigrationsAsync } from '../planner/plan-convergent.ts';
import type { Plan, Strategy } from '../planner/types.ts';
import type { Measurements } from '../measure/measurements.ts';
import type { Playbook } from '../playbook/types.ts';
import type { MigrationRecord } from './migration-record.ts';
import type { RunReport } from './run-report.ts';
import { recapByHost, summarizeRun } from './summarize-run.ts';
import { TSMIG_VERSION } from '../version.ts';
import { buildPlanInput } from './build-plan-input.ts';
import type { EngineEvents, StageName } from './engine-events.ts';
import { locateVms, resolveMoves, vmStateOn, type ResolvedMoves } from './resolve-moves.ts';
import { locateVmHint, runMigrations } from './run-migrations.ts';
import { reconcilePlan } from './reconcile-plan.ts';
import { migrationRecord } from './migration-record.ts';
import { migrationRequest } from './migration-request.ts';

export interface WorkflowOptions {
  /** Plan only; move nothing (`plan`, `run --check`). */
  check: boolean;
  strategy?: Strategy;
  limit?: string;
  stop: AbortSignal;
  abortRunning: AbortSignal;
  /** Resume: the plan of an interrupted run (from its journal) instead of measuring and planning. */
  resumePlan?: Plan;
}

const NO_MEASUREMENTS: Measurements = { durationMs: 0, intervalMs: 0, hosts: [], vms: [] };

export async function runWorkflow(playbook: Playbook, driver: Driver, events: EngineEvents, options: WorkflowOptions): Promise<RunReport> {
  const runStartMs = driver.clock.nowMs();
  const deadline = startDeadline(driver, playbook.constraints.deadlineMs, events);
  // Past the deadline nothing new starts and running pre-copies abort, as on a signal; but the run is not "interrupted".
  const stop = deadline ? AbortSignal.any([options.stop, deadline.signal]) : options.stop;
  const abortRunning = deadline ? AbortSignal.any([options.abortRunning, deadline.signal]) : options.abortRunning;
  // Each host sampler and each running migration listens on these: many listeners are expected.
  setMaxListeners(10 * playbook.inventory.hosts.length + 100, options.stop, options.abortRunning, stop, abortRunning);
  const startedAt = new Date().toISOString();
  const strategy = options.resumePlan?.strategy ?? options.strategy ?? playbook.strategy;
  const base: RunBase = { playbook, driver, strategy, check: options.check, startedAt, runStartMs, signalled: options.stop };
  try {
    return await runStages({ ...options, stop, abortRunning }, events, base);
  } catch (error) {
    // A signal during connect, discovery, measurement or planning ends the run here: nothing moved.
    if (stop.aborted) {
      const why = stop.reason instanceof Error ? stop.reason.message : String(stop.reason);
      events.emit({ type: 'warning', message: `${why} before any migration started: nothing moved` });
      return finishReport(base, NO_MEASUREMENTS, emptyPlan(strategy, playbook), [], [], {}, true);
    }
    throw error;
  } finally {
    deadline?.dispose();
  }
}

interface RunBase {
  playbook: Playbook;
  driver: Driver;
  strategy: Strategy;
  check: boolean;
  startedAt: string;
  runStartMs: number;
  /** Aborted by a signal (not by the deadline): the run is interrupted, exit 99. */
  signalled: AbortSignal;
}

async function runStages(options: WorkflowOptions, events: EngineEvents, base: RunBase): Promise<RunReport> {
  const { playbook, driver, strategy, runStartMs } = base;
  const { hosts, vmsByHost, resolved } = await discoverMoves(playbook, driver, events, options.resumePlan ? undefined : options.limit, options.stop);

  let measurements = NO_MEASUREMENTS;
  let plan: Plan;
  let toRun: Plan;
  let settled: MigrationRecord[];
  if (options.resumePlan) {
    plan = options.resumePlan;
    const reconciled = reconcilePlan(plan, locateVms(vmsByHost));
    toRun = reconciled.remaining;
    settled = [
      ...reconciled.done.map((m) => migrationRecord({ ...m, reason: `already running on ${m.to}` }, 'ok', m.to)),
      ...reconciled.astray.map(({ migration: m, runningOn }) => {
        const where = runningOn.length === 0 ? 'on no host' : `on ${runningOn.join(' and ')}`;
        events.emit({ type: 'warning', message: `${m.vm} is running ${where}, neither only on ${m.from} nor only on ${m.to}: left alone` });
        return { ...migrationRecord(m, 'failed', runningOn.length === 1 ? (runningOn[0] ?? null) : null), error: `found running ${where}` };
      }),
    ];
    events.emit({ type: 'info', message: `resuming: ${toRun.migrations.length} to migrate, ${reconciled.done.length} already done, ${reconciled.astray.length} astray` });
  } else {
    measurements = await stage(events, 'measure', () => measureTraffic(driver, hosts, playbook.sampling, events, options.stop));
    if (options.stop.aborted) throw options.stop.reason;
    // Planning yields to the event loop: progress reaches the reporters and a signal ends it within a slice.
    plan = await stage(events, 'plan', () =>
      planConvergentMigrationsAsync(buildPlanInput(playbook, measurements, vmsByHost, resolved.moves, strategy), {
        timeLimitMs: playbook.planner.timeLimitMs,
        gap: playbook.planner.gap,
        signal: options.stop,
        onProgress: (progress) => events.emit({ type: 'plan-progress', progress }),
      }),
    );
    toRun = plan;
    settled = resolved.alreadyInPlace.map((a) => migrationRecord({ vm: a.vm, from: a.from, to: a.host, mode: 'pre-copy', reason: `already running on ${a.host}` }, 'ok', a.host));
  }
  events.emit({ type: 'planned', plan: toRun });
  warnPostcopiesBeyondTimeout(toRun, playbook.constraints.timeoutMs, events);

  let records: MigrationRecord[] = [];
  let placement: Record<string, string[]> = {};
  if (base.check) {
    // As in ansible-playbook's check mode, what would change counts as changed; nothing moved.
    records = toRun.migrations.map((m) => migrationRecord(m, 'changed', m.from));
  } else {
    const ctx = { driver, constraints: playbook.constraints, events, runStartMs, stop: options.stop, abortRunning: options.abortRunning };
    records = await stage(events, 'migrate', () => runMigrations(toRun, ctx));
    placement = await stage(events, 'verify', () => verifyPlacement(driver, hosts, [...records, ...settled], events, runStartMs));
  }
  return finishReport(base, measurements, plan, settled, records, placement);
}

function finishReport(
  base: RunBase,
  measurements: Measurements,
  plan: Plan,
  settled: MigrationRecord[],
  records: MigrationRecord[],
  placement: Record<string, string[]>,
  /** The run ended before migrating (a signal, or the deadline): never exit 0. */
  endedEarly = false,
): RunReport {
  const { playbook, driver, runStartMs } = base;
  const all = [...settled, ...records];
  const hosts = involvedHosts(playbook);
  const summary = summarizeRun(all, (driver.clock.nowMs() - runStartMs) / 1000);
  const interrupted = base.signalled.aborted;
  return {
    tool: { name: 'tsmig', version: TSMIG_VERSION },
    playbook: { name: playbook.name, file: playbook.file },
    driver: driver.kind,
    strategy: base.strategy,
    check: base.check,
    started_at: base.startedAt,
    measurements,
    plan,
    migrations: all,
    summary,
    recap: recapByHost(all, hosts),
    placement,
    interrupted,
    // Anything not done (failed, or skipped past the deadline) is exit 2, unless a signal ended the run.
    exit_code: interrupted ? ExitCode.interrupted : endedEarly || summary.failed > 0 || summary.skipped > 0 ? ExitCode.migrationsFailed : ExitCode.ok,
  };
}

/** Connects, lists what runs where, and turns the playbook's rules into concrete moves. */
export async function discoverMoves(playbook: Playbook, driver: Driver, events: EngineEvents, limit?: string, stop?: AbortSignal) {
  const hosts = involvedHosts(playbook);
  await stage(events, 'connect', () => driver.connect(hosts));
  const vmsByHost = await stage(events, 'discover', () => listSettled(driver, hosts, playbook.constraints.timeoutMs, events, stop));
  // A VM left paused in post-copy resumes as a post-copy of the playbook's constraints would.
  const resumeHint = (vm: string, from: string, to: string): string | undefined =>
    driver.postcopyResumeHint?.(migrationRequest({ vm, from, to, mode: 'post-copy' }, playbook.constraints, 1));
  const resolved = resolveMoves(playbook, vmsByHost, limit, resumeHint);
  checkLimitMatched(limit, resolved, events);
  return { hosts, vmsByHost, resolved };
}

/**
 * ansible-playbook's habit: each --limit pattern that matches nothing is a warning, and a limit
 * that matches nothing at all is an error before anything is measured, moved or written.
 */
function checkLimitMatched(limit: string | undefined, resolved: ResolvedMoves, events: EngineEvents): void {
  if (limit === undefined) return;
  for (const pattern of resolved.unmatchedPatterns) {
    events.emit({ type: 'warning', message: `could not match supplied host pattern, ignoring: ${pattern} (no VM or host of this playbook's moves)` });
  }
  if (resolved.moves.length === 0 && resolved.alreadyInPlace.length === 0) {
    throw new UsageError(`--limit '${limit}' leaves no VM to move: nothing measured or moved, no report written`);
  }
}

const SETTLE_POLL_MS = 2000;

/**
 * What runs where, once no VM is on two hosts: a VM active on two hosts is a migration in
 * flight (one left running by a killed tsmig, or someone else's), so wait for it to end — up to
 * the time a migration is allowed — rather than plan around a state about to change.
 */
async function listSettled(driver: Driver, hosts: string[], waitMs: number, events: EngineEvents, stop?: AbortSignal): Promise<Map<string, VmInfo[]>> {
  const deadline = driver.clock.nowMs() + waitMs;
  let warned = false;
  for (;;) {
    const vmsByHost = await listAll(driver, hosts);
    const split = [...locateVms(vmsByHost)].filter(([, on]) => on.length > 1);
    if (split.length === 0 || driver.clock.nowMs() + SETTLE_POLL_MS > deadline || stop?.aborted) return vmsByHost;
    if (!warned) {
      warned = true;
      const which = split.map(([vm, on]) => `${vm} (${on.map((h) => `${h}: ${vmStateOn(vmsByHost, h, vm) ?? 'absent'}`).join(', ')})`).join('; ');
      events.emit({ type: 'warning', message: `on two hosts at once, a migration in flight? ${which}; waiting up to ${waitMs / 1000}s for it to end` });
    }
    await driver.clock.sleep(SETTLE_POLL_MS, stop).catch(() => undefined);
  }
}

/**
 * A post-copy predicted to need more than its timeout is paused at the timeout unless it goes
 * faster (postcopy-timeout.ts), and a paused post-copy stops the guest until it is resumed (on the
 * lab, libvirt 11.3's resume crashed the destination's daemon): say so before anything moves.
 */
function warnPostcopiesBeyondTimeout(plan: Plan, timeoutMs: number, events: EngineEvents): void {
  for (const m of plan.migrations) {
    const predictedS = m.estimatedDurationS;
    if (m.mode !== 'post-copy' || predictedS === undefined || predictedS * 1000 <= timeoutMs) continue;
    events.emit({
      type: 'warning',
      message: `${m.vm}: its post-copy is predicted to take ${Math.round(predictedS)}s, beyond constraints.timeout (${timeoutMs / 1000}s): unless it goes faster it will be paused at its timeout, stopping the guest until resumed; raise constraints.timeout`,
    });
  }
}

/** Sources and every possible destination, in inventory order. */
export function involvedHosts(playbook: Playbook): string[] {
  const names = new Set<string>();
  for (const m of playbook.migrations) {
    names.add(m.from);
    for (const h of m.to === 'any' ? playbook.inventory.hosts.map((x) => x.name) : m.to) names.add(h);
  }
  return playbook.inventory.hosts.map((h) => h.name).filter((h) => names.has(h));
}

async function listAll(driver: Driver, hosts: string[]): Promise<Map<string, VmInfo[]>> {
  const lists = await Promise.all(hosts.map((h) => driver.listVms(h)));
  return new Map(hosts.map((h, i) => [h, lists[i] ?? []]));
}

/**
 * How long after the last migration ended the hosts are asked where the VMs run: a guest that
 * dies as it arrives (seen on the lab: libvirt kills it a second after `virsh migrate` returned)
 * is then reported as failed, not as moved.
 */
export const VERIFY_SETTLE_MS = 3000;

/**
 * Asks the hosts where every touched VM runs now; the report trusts this over what we expected.
 * A VM reported moved (or already in place) that is not running on exactly its destination any
 * more is failed, and the run exits 2.
 */
async function verifyPlacement(driver: Driver, hosts: string[], records: MigrationRecord[], events: EngineEvents, runStartMs: number): Promise<Record<string, string[]>> {
  const lastFinishedMs = Math.max(runStartMs, ...records.map((r) => runStartMs + (r.finished_s ?? 0) * 1000));
  const settleMs = lastFinishedMs + VERIFY_SETTLE_MS - driver.clock.nowMs();
  if (records.some((r) => r.status === 'changed') && settleMs > 0) await driver.clock.sleep(settleMs);
  const checkStartMs = driver.clock.nowMs();
  const where = locateVms(await listAll(driver, hosts));
  // One check for all VMs: each timed migration gets its time as its verify step.
  const verifyS = Math.round(driver.clock.nowMs() - checkStartMs) / 1000;
  for (const r of records) if (r.phases_s) r.phases_s.verify = verifyS;
  const placement: Record<string, string[]> = {};
  for (const r of records) {
    const on = where.get(r.vm) ?? [];
    const onText = on.length === 0 ? 'no host' : on.join(' and ');
    placement[r.vm] = on;
    r.vm_on = on.length === 1 ? (on[0] ?? null) : null;
    if ((r.status === 'changed' || r.status === 'ok') && r.vm_on !== r.to) {
      r.error = `${r.status === 'ok' ? 'was running on' : 'moved to'} ${r.to}, but at verify it runs on ${onText}`;
      r.status = 'failed';
      events.emit({ type: 'warning', message: `${r.vm}: ${r.error}` });
    }
    if (on.length !== 1) {
      events.emit({ type: 'warning', message: `${r.vm} is running on ${onText}: check it by hand (${locateVmHint(driver, r.vm, [r.from, r.to])})` });
    }
  }
  return placement;
}

async function stage<T>(events: EngineEvents, name: StageName, work: () => Promise<T>): Promise<T> {
  events.emit({ type: 'stage', stage: name, status: 'start' });
  const result = await work();
  events.emit({ type: 'stage', stage: name, status: 'end' });
  return result;
}

/** A plan with nothing in it: what a run interrupted before planning reports. */
function emptyPlan(strategy: Strategy, playbook: Playbook): Plan {
  return { strategy, objective: playbook.objective, contentionMbps: 0, migrations: [], hosts: [], waves: 0 };
}

/** constraints.deadline: a signal aborted that long after the run started (on the driver's clock). */
function startDeadline(driver: Driver, deadlineMs: number | undefined, events: EngineEvents): { signal: AbortSignal; dispose(): void } | undefined {
  if (deadlineMs === undefined) return undefined;
  const passed = new AbortController();
  const disposed = new AbortController();
  driver.clock.sleep(deadlineMs, disposed.signal).then(
    () => {
      events.emit({ type: 'warning', message: `the run's deadline (${deadlineMs / 1000}s) passed: starting no new migration, aborting running pre-copies` });
      passed.abort(new MigrationAbortReason(`the run's deadline (constraints.deadline, ${deadlineMs / 1000}s) passed`, false));
    },
    () => undefined,
  );
  return { signal: passed.signal, dispose: () => disposed.abort() };
}
