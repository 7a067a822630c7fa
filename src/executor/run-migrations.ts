// Executes a plan: wave after wave, each migration with a timeout and retries with delay.
// Policy lives here (when to retry, when to give up); the driver only migrates and reports facts.
import { MigrationAbortReason, type Driver, type MigrationPhasesMs } from '../drivers/driver.ts';
import { MigrationFailedError, TsmigError } from '../errors.ts';
import type { PlannedMigration, Plan } from '../planner/types.ts';
import type { Constraints } from '../playbook/types.ts';
import type { AttemptRecord, MigrationRecord } from './migration-record.ts';
import type { EngineEvents } from './engine-events.ts';
import { migrationRecord } from './migration-record.ts';
import { migrationRequest } from './migration-request.ts';
import { LEFT_TO_FINISH_TIMEOUTS, PostcopyProgressWatch, RECHECK_MS } from './postcopy-timeout.ts';

export interface ExecutionContext {
  driver: Driver;
  constraints: Constraints;
  events: EngineEvents;
  /** Clock reading that run-relative seconds count from. */
  runStartMs: number;
  /** Aborted on Ctrl-C/SIGTERM: start nothing new. */
  stop: AbortSignal;
  /** Abort running migrations (drivers refuse for post-copy after the switch). */
  abortRunning: AbortSignal;
}

export async function runMigrations(plan: Plan, ctx: ExecutionContext): Promise<MigrationRecord[]> {
  const records: MigrationRecord[] = [];
  for (let wave = 0; wave < plan.waves; wave++) {
    const inWave = plan.migrations.filter((m) => m.wave === wave);
    if (inWave.length === 0) continue;
    if (ctx.stop.aborted) {
      // The deadline says so; a signal is an interrupt.
      const why = ctx.stop.reason instanceof MigrationAbortReason ? ctx.stop.reason.message : 'the run was interrupted';
      records.push(...inWave.map((m) => skippedRecord(m, `not started: ${why}`)));
      continue;
    }
    ctx.events.emit({ type: 'wave-start', wave, vms: inWave.map((m) => m.vm) });
    records.push(...(await Promise.all(inWave.map((m) => migrateWithRetries(m, ctx)))));
  }
  return records;
}

function skippedRecord(m: PlannedMigration, reason: string): MigrationRecord {
  return { ...migrationRecord(m, 'skipped', m.from), error: reason };
}

async function migrateWithRetries(m: PlannedMigration, ctx: ExecutionContext): Promise<MigrationRecord> {
  const { driver, constraints: c, events } = ctx;
  const clock = driver.clock;
  const relS = (ms: number): number => round3((ms - ctx.runStartMs) / 1000);
  const attempts: AttemptRecord[] = [];
  const progress: NonNullable<MigrationRecord['progress']> = [];
  let maxAttempts = c.retries + 1;
  /** Set once a post-copy stalls after its switch: from then on we resume it, never restart it. */
  let recoverUntilMs: number | undefined;

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const request = migrationRequest(m, c, attempt);
    events.emit({ type: 'migration-start', vm: m.vm, from: m.from, to: m.to, mode: m.mode, attempt, wave: m.wave });
    const startedMs = clock.nowMs();
    const abort = new AbortController();
    const timerStop = new AbortController();
    const onAbortRunning = (): void => abort.abort(ctx.abortRunning.reason);
    if (ctx.abortRunning.aborted) onAbortRunning();
    ctx.abortRunning.addEventListener('abort', onAbortRunning, { once: true });
    const postcopy = new PostcopyProgressWatch();
    const onTimeout = async (): Promise<void> => {
      // A switched post-copy still moving, with at most one timeout to go, is left to finish
      // (postcopy-timeout.ts); one stalled after its switch (a lost link) is paused, then resumed below.
      const capMs = startedMs + LEFT_TO_FINISH_TIMEOUTS * c.timeoutMs;
      for (let warned = false; clock.nowMs() < capMs && postcopy.mayFinish(clock.nowMs(), c.timeoutMs); warned = true) {
        if (!warned) {
          const leftS = Math.ceil(postcopy.remainingS(clock.nowMs()) ?? 0);
          events.emit({ type: 'warning', message: `${m.vm}: past its timeout (${c.timeoutMs / 1000}s) in post-copy, still moving (~${leftS}s left): left to finish, as pausing it would stop the VM` });
        }
        await clock.sleep(RECHECK_MS, timerStop.signal);
      }
      abort.abort(new MigrationAbortReason(`timed out after ${c.timeoutMs / 1000}s`, true));
    };
    clock.sleep(c.timeoutMs, timerStop.signal).then(onTimeout).catch(() => undefined);
    try {
      const resuming = recoverUntilMs !== undefined && driver.resumePostcopy !== undefined;
      const outcome = await (resuming ? driver.resumePostcopy!.bind(driver) : driver.migrate.bind(driver))(
        request,
        (p) => {
          postcopy.observe(p, clock.nowMs());
          progress.push({ at_s: relS(clock.nowMs()), transferred_bytes: p.transferredBytes, rate_mbps: round3(p.rateMbps) });
          events.emit({ type: 'migration-progress', vm: m.vm, progress: p });
        },
        abort.signal,
      );
      attempts.push({ attempt, started_s: relS(startedMs), finished_s: relS(outcome.finishedMs) });
      const record: MigrationRecord = {
        ...migrationRecord(m, 'changed', m.to),
        started_s: relS(outcome.startedMs),
        finished_s: relS(outcome.finishedMs),
        duration_s: round3((outcome.finishedMs - outcome.startedMs) / 1000),
        bytes: outcome.transferredBytes,
        downtime_ms: round3(outcome.downtimeMs),
        retries: attempt - 1,
        attempts,
        ...(outcome.phasesMs ? { phases_s: phasesS(outcome.phasesMs) } : {}),
        progress,
      };
      events.emit({ type: 'migration-end', record });
      return record;
    } catch (error) {
      const failure = asMigrationFailure(m.vm, error);
      attempts.push({ attempt, started_s: relS(startedMs), finished_s: relS(clock.nowMs()), error: failure.detail });
      // A VM paused in post-copy is the one state not to leave behind: keep resuming it until
      // the timeout, even after an interrupt, whatever the retry budget says.
      if (failure.vmOn === 'paused-in-postcopy' && driver.resumePostcopy) {
        recoverUntilMs ??= clock.nowMs() + c.timeoutMs;
        if (clock.nowMs() + c.retryDelayMs <= recoverUntilMs) maxAttempts = Math.max(maxAttempts, attempt + 1);
      }
      const recovering = recoverUntilMs !== undefined && failure.vmOn === 'paused-in-postcopy' && attempt < maxAttempts;
      const last = !recovering && (attempt === maxAttempts || !failure.retryable || failure.vmOn !== 'source' || ctx.stop.aborted);
      if (last) {
        const record: MigrationRecord = {
          ...migrationRecord(m, 'failed', whereaboutsHost(failure.vmOn, m)),
          started_s: attempts[0]?.started_s ?? relS(startedMs),
          finished_s: relS(clock.nowMs()),
          duration_s: round3(relS(clock.nowMs()) - (attempts[0]?.started_s ?? relS(startedMs))),
          retries: attempt - 1,
          error: failure.detail,
          recovery: recoveryFor(failure, m, driver),
          attempts,
          progress,
        };
        events.emit({ type: 'migration-end', record });
        return record;
      }
      events.emit({ type: 'migration-retry', vm: m.vm, attempt, error: failure.detail, delayMs: c.retryDelayMs });
      await clock.sleep(c.retryDelayMs).catch(() => undefined);
    } finally {
      timerStop.abort();
      ctx.abortRunning.removeEventListener('abort', onAbortRunning);
    }
  }
  throw new Error('unreachable: the last attempt always returns');
}

function phasesS(p: MigrationPhasesMs): NonNullable<MigrationRecord['phases_s']> {
  return { connect: round3(p.connectMs / 1000), prechecks: round3(p.prechecksMs / 1000), migrate: round3(p.migrateMs / 1000), postchecks: round3(p.postchecksMs / 1000) };
}

function asMigrationFailure(vm: string, error: unknown): MigrationFailedError {
  if (error instanceof MigrationFailedError) return error;
  // A lost connection or a driver bug: we cannot tell where the VM is; the verify step will.
  const message = error instanceof TsmigError || error instanceof Error ? error.message : String(error);
  return new MigrationFailedError(vm, message, 'unknown', false);
}

function whereaboutsHost(vmOn: MigrationFailedError['vmOn'], m: PlannedMigration): string | null {
  if (vmOn === 'source') return m.from;
  if (vmOn === 'destination') return m.to;
  return null;
}

function recoveryFor(failure: MigrationFailedError, m: PlannedMigration, driver: Driver): string | undefined {
  if (failure.vmOn === 'paused-in-postcopy') {
    // The driver's own hint (only it knows the command and the hosts' real addresses).
    return `${m.vm} is paused in post-copy between ${m.from} and ${m.to}: when the link is back, ${failure.recovery ?? `resume it from ${m.from}`}`;
  }
  if (failure.vmOn === 'unknown') return `check where ${m.vm} runs: ${locateVmHint(driver, m.vm, [m.from, m.to])}`;
  return undefined;
}

/** The driver's way to see where a VM runs (only it knows its tools), or a plain one. */
export function locateVmHint(driver: Driver, vm: string, hosts: string[]): string {
  return driver.locateVmHint?.(vm, hosts) ?? `list the VMs on ${hosts.join(' and ')}`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
