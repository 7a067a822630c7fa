// After `virsh migrate` returned: where the VM really is (`virsh list --all` on both hosts), its
// final statistics, and either the outcome or a MigrationFailedError saying where the VM is and
// how to recover it.
import type { MigrationOutcome, MigrationRequest } from '../driver.ts';
import { MigrationFailedError } from '../../errors.ts';
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import type { ExecResult } from './ssh-pool.ts';
import type { MigrationStateMachine } from './migration-state.ts';
import type { SourceEventMonitor } from './source-event-monitor.ts';
import { reasonText } from './abort-policy.ts';
import { confirmPrecopyByEvents, type MigrationEventMarks } from './event-confirmation.ts';
import { finalStats } from './final-stats.ts';
import { postcopyResumeHint } from './postcopy-resume-hint.ts';
import { qemuLogEvents, qemuLogPath, qemuLogTailArgv } from './qemu-log.ts';
import { virshListAll } from './virsh-argv.ts';
import { isDomainGoneError, parseListAll, postcopySwitchEvent, virshErrorLines, type MigrationJobStats } from './virsh-parse.ts';
import { isOnDestination, isOnNeither, locateVm, type HostListing } from './vm-whereabouts.ts';

/** `virsh list --all` on the source and the destination at once; undefined for a host that did not answer. */
export async function listBothHosts(ctx: SshMigrationContext, ends: MigrationEnds): Promise<[HostListing, HostListing]> {
  const list = async (host: string, uri: string): Promise<HostListing> => {
    try {
      return parseListAll(await ctx.pool.run(host, virshListAll(uri)));
    } catch (error) {
      ctx.log(`${ends.tag}: cannot list domains on ${host}: ${(error as Error).message}`);
      return undefined;
    }
  };
  return Promise.all([list(ends.source.name, ends.sourceUri), list(ends.destination.name, ends.destination.libvirtUri)]);
}

export interface MigrationEnding {
  request: MigrationRequest;
  resume: boolean;
  machine: MigrationStateMachine;
  /** virsh migrate's result, and its stderr as it streamed (a lost channel returns none). */
  migrated: ExecResult;
  migrateStderr: string;
  startedMs: number;
  finishedMs: number;
  /** The source's events (a pre-copy runs without a monitor: `watched` false, no text). */
  events: Pick<SourceEventMonitor, 'watched' | 'text'>;
  /** Where this migration's events begin in the hosts' event streams (a pre-copy, when kept). */
  eventMarks?: MigrationEventMarks;
  signal: AbortSignal;
}

/** The outcome of a migration whose virsh migrate has returned, or the error saying where the VM is. */
export async function concludeMigration(ctx: SshMigrationContext, ends: MigrationEnds, ending: MigrationEnding): Promise<MigrationOutcome> {
  const { request, resume, machine, migrated, startedMs, finishedMs, events, signal } = ending;
  const { vm, source, destination, tag } = ends;
  const switched = (): boolean => machine.switchedAtMs !== undefined;
  const stats = (): Promise<MigrationJobStats | undefined> => finalStats(ctx, ends, request, switched(), events.watched ? () => events.text() : undefined);
  if (machine.switchAccepted && !switched() && postcopySwitchEvent(events.text(), vm) === undefined) {
    ctx.log(`${tag}: no post-copy switch event: the migration ended before the requested switch took effect`);
  }
  const virshError = virshMigrateError(migrated, ending.migrateStderr);

  if (migrated.exitCode === 0 && ending.eventMarks) {
    const confirmedStats = await confirmPrecopyByEvents(ctx, ends, ending.eventMarks);
    if (confirmedStats) return outcome(request, startedMs, finishedMs, confirmedStats, machine.switchedAtMs);
    ctx.log(`${tag}: the hosts' events did not confirm the move within ${ctx.settings.eventConfirmWaitMs} ms: asking both hosts`);
  }
  if (migrated.exitCode === 0) {
    // Both reads at once: the check of where the VM is, and the final statistics.
    const [[src, dst], finalStatistics] = await Promise.all([waitForDestination(ctx, ends), stats()]);
    if (isOnDestination(vm, src, dst)) return outcome(request, startedMs, finishedMs, finalStatistics, machine.switchedAtMs);
  }
  const [src, dst] = await listBothHosts(ctx, ends);
  const vmOn = locateVm(vm, src, dst, machine.switchAccepted);
  // A paused post-copy can finish by itself between the check before a resume and the resume
  // (seen on the lab): the source domain is gone then, and the VM runs on the destination.
  const finishedBeforeResume = resume && vmOn === 'destination';
  if (migrated.exitCode !== 0 && isDomainGoneError(virshError) && !finishedBeforeResume) {
    // Not on the source to begin with: nothing was migrated, and trying again will not help.
    throw new MigrationFailedError(vm, `not on ${source.name} (${virshError}); ${describeWhere(vmOn, source.name, destination.name)}`, vmOn, false);
  }
  if (vmOn === 'destination') {
    ctx.log(`${tag}: virsh migrate reported ${virshError || `exit ${migrated.exitCode}`}, but the VM runs on ${destination.name} and not on ${source.name}`);
    return outcome(request, startedMs, finishedMs, await stats(), machine.switchedAtMs);
  }
  const why = machine.cancelledBeforeSwitch
    ? `aborted (${reasonText(signal)})`
    : migrated.exitCode === 0
      ? `virsh migrate finished, but the VM does not run on ${destination.name}`
      : `virsh migrate failed (${virshError || `exit ${migrated.exitCode ?? 'without status'}`})`;
  const nowhere = isOnNeither(vm, src, dst);
  let message = `${why}; ${describeWhere(vmOn, source.name, destination.name, nowhere)}`;
  if (nowhere) message += `; ${await destinationQemuLog(ctx, destination, vm)}`;
  const recovery = vmOn === 'paused-in-postcopy' ? postcopyResumeHint(source, destination, request) : undefined;
  throw new MigrationFailedError(vm, message, vmOn, vmOn === 'source', recovery);
}

/** virsh's own "error:" lines, else its last words (a virsh killed by a signal prints none). */
function virshMigrateError(migrated: ExecResult, streamedStderr: string): string {
  const output = migrated.stderr || streamedStderr;
  return (
    virshErrorLines(output) ||
    output
      .split(/[\r\n]+/)
      .map((l) => l.trim())
      .filter((l) => l && !/^Migration: \[/.test(l))
      .at(-1) ||
    (migrated.exitSignal ? `killed by SIG${migrated.exitSignal}` : '')
  );
}

function describeWhere(vmOn: string, source: string, destination: string, nowhere = false): string {
  if (nowhere) return `the VM runs on neither ${source} nor ${destination} (virsh list --all on both): it may have died on arrival`;
  switch (vmOn) {
    case 'source':
      return `the VM still runs on ${source}`;
    case 'destination':
      return `the VM runs on ${destination}`;
    case 'paused-in-postcopy':
      return `the VM is paused mid post-copy (neither ${source} nor ${destination} has all of it)`;
    default:
      return `where the VM is could not be established (checked ${source} and ${destination})`;
  }
}

/** How the destination's QEMU ended, in the words of its log, for a VM found on neither host. */
async function destinationQemuLog(ctx: SshMigrationContext, destination: { name: string; libvirtUri: string }, vm: string): Promise<string> {
  const path = qemuLogPath(destination.libvirtUri, vm);
  if (!path) return `see its QEMU log on ${destination.name}`;
  const r = await ctx.pool.exec(destination.name, qemuLogTailArgv(path)).catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
  const events = r.exitCode === 0 ? qemuLogEvents(r.stdout) : [];
  if (events.length === 0) return `see ${path} on ${destination.name}`;
  return `${path} on ${destination.name} ends: ${events.join(' | ')}`;
}

async function waitForDestination(ctx: SshMigrationContext, ends: MigrationEnds): Promise<[HostListing, HostListing]> {
  const deadline = ctx.clock.nowMs() + ctx.settings.verifyWaitMs;
  for (;;) {
    const [src, dst] = await listBothHosts(ctx, ends);
    if (isOnDestination(ends.vm, src, dst) || ctx.clock.nowMs() >= deadline) return [src, dst];
    await ctx.clock.sleep(250);
  }
}

export function outcome(
  request: MigrationRequest,
  startedMs: number,
  finishedMs: number,
  stats: MigrationJobStats | undefined,
  switchedAtMs: number | undefined,
): MigrationOutcome {
  return {
    vm: request.vm,
    mode: request.mode,
    startedMs,
    finishedMs,
    transferredBytes: stats?.dataProcessedBytes ?? stats?.memoryProcessedBytes ?? 0,
    downtimeMs: stats?.downtimeMs ?? 0,
    ...(switchedAtMs !== undefined ? { switchedAtMs } : {}),
  };
}
