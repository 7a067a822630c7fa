// One migration over SSH: `virsh migrate` on the source, progress from domjobinfo polled on the
// source, the post-copy switch, abort, final stats from where test/lab/README.md says they live, and a check
// with `virsh list --all` on both hosts of where the VM really is.
import { asksToPausePostcopy, type Clock, type MigrationOutcome, type MigrationProgress, type MigrationRequest } from '../driver.ts';
import { MigrationFailedError } from '../../errors.ts';
import type { ExecResult, SshPool } from './ssh-pool.ts';
import { commandLine } from './shell-quote.ts';
import {
  bandwidthMibPerS,
  migrationDestinationUri,
  untilInputEnds,
  virshDomjobabort,
  virshDomjobinfo,
  virshDomainEvents,
  virshListAll,
  virshMigrate,
  virshMigratePostcopyResume,
  virshPostcopySwitchLoop,
  virshMigrateSetMaxDowntime,
} from './virsh-argv.ts';
import {
  parseDomjobinfoRaw,
  parseJobCompletedEvents,
  parseListAll,
  parseMigrateProgressPercents,
  postcopySwitchEvent,
  virshErrorLines,
  type MigrationJobStats,
} from './virsh-parse.ts';
import { isOnDestination, isOnNeither, locateVm, type HostListing } from './vm-whereabouts.ts';
import { postcopyResumeHint } from './postcopy-resume-hint.ts';
import { qemuLogEvents, qemuLogPath, qemuLogTailArgv } from './qemu-log.ts';

export interface SshMigrationSettings {
  /** domjobinfo polling on the source while the migration runs. */
  progressPollMs: number;
  /** How often the source checks for the moment to switch to post-copy, and retries the switch. */
  switchRetryMs: number;
  /** After this long without an accepted switch the source stops trying (a held pre-copy is released). */
  switchGiveUpMs: number;
  /** How long to wait for the job-completed event after `virsh migrate` returned. */
  finalEventWaitMs: number;
  /** How long the destination may take to show the domain running after `virsh migrate` returned. */
  verifyWaitMs: number;
}

export const defaultSshMigrationSettings: SshMigrationSettings = {
  progressPollMs: 1000,
  switchRetryMs: 100,
  switchGiveUpMs: 60_000,
  finalEventWaitMs: 3000,
  verifyWaitMs: 5000,
};

export interface SshMigrationContext {
  pool: SshPool;
  clock: Clock;
  log: (line: string) => void;
  settings: SshMigrationSettings;
}

function progressOf(vm: string, stats: MigrationJobStats, switched: boolean): MigrationProgress {
  const total = stats.memoryTotalBytes ?? 0;
  return {
    vm,
    phase: switched ? 'post-copy' : total > 0 ? 'pre-copy' : 'setup',
    memoryTotalBytes: total,
    memoryRemainingBytes: stats.memoryRemainingBytes ?? total,
    transferredBytes: stats.dataProcessedBytes ?? stats.memoryProcessedBytes ?? 0,
    rateMbps: ((stats.memoryBytesPerS ?? 0) * 8) / 1e6,
    iteration: stats.memoryIteration ?? 0,
  };
}

function isActiveJob(stats: MigrationJobStats): boolean {
  return stats.jobType === 'unbounded' || stats.jobType === 'bounded';
}

function reasonText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}

/**
 * `resume`: continue a post-copy paused after its switch (`virsh migrate --postcopy-resume`);
 * a post-copy that finished by itself meanwhile (the stream came back) is simply reported done.
 */
export async function migrateOverSsh(
  ctx: SshMigrationContext,
  request: MigrationRequest,
  onProgress: (p: MigrationProgress) => void,
  signal: AbortSignal,
  options: { resume?: boolean } = {},
): Promise<MigrationOutcome> {
  const resume = options.resume === true;
  const { pool, clock, log, settings } = ctx;
  const { vm } = request;
  const source = pool.host(request.from);
  const destination = pool.host(request.to);
  const sourceUri = source.libvirtUri;
  const destinationUri = migrationDestinationUri(destination.migrationAddress, destination.libvirtUri);
  const tag = `${vm} ${source.name}→${destination.name} (attempt ${request.attempt}${resume ? ', post-copy resume' : ''})`;
  if (signal.aborted) throw new MigrationFailedError(vm, `not started: ${reasonText(signal)}`, 'source');

  const listings = async (): Promise<[HostListing, HostListing]> => {
    const list = async (host: string, uri: string): Promise<HostListing> => {
      try {
        return parseListAll(await pool.run(host, virshListAll(uri)));
      } catch (error) {
        log(`${tag}: cannot list domains on ${host}: ${(error as Error).message}`);
        return undefined;
      }
    };
    return Promise.all([list(source.name, sourceUri), list(destination.name, destination.libvirtUri)]);
  };

  if (resume) {
    const [src, dst] = await listings();
    if (isOnDestination(vm, src, dst)) {
      log(`${tag}: the paused post-copy finished by itself: ${vm} runs on ${destination.name} only`);
      const nowMs = clock.nowMs();
      return outcome(request, nowMs, nowMs, undefined, nowMs);
    }
  }

  let startedMs = clock.nowMs();
  let switchedAtMs: number | undefined = resume ? startedMs : undefined;
  /** The switch was accepted: from then on an abort could leave the VM split between hosts. */
  let switchRequested = resume;
  const markSwitched = (how: string): void => {
    if (switchedAtMs !== undefined) return;
    switchedAtMs = clock.nowMs();
    switchRequested = true;
    log(`${tag}: switched to post-copy after ${switchedAtMs - startedMs} ms (${how})`);
  };

  // The source's events, from before the migration starts: the lifecycle event of a post-copy
  // switch, and job-completed, the only final record after post-copy of a transient domain.
  const stopEvents = new AbortController();
  let eventText = '';
  let eventsOpen!: () => void;
  const eventsOpened = new Promise<void>((resolve) => (eventsOpen = resolve));
  const events = pool
    .exec(source.name, untilInputEnds(virshDomainEvents(sourceUri, vm)), {
      endInput: stopEvents.signal,
      onOpen: () => eventsOpen(),
      onStdout: (chunk) => {
        eventText += chunk;
        if (switchedAtMs === undefined && postcopySwitchEvent(eventText, vm)) markSwitched('lifecycle event');
      },
    })
    .catch((error: Error) => {
      log(`${tag}: event monitor failed: ${error.message}`);
      eventsOpen();
    });
  await Promise.race([eventsOpened, clock.sleep(2000)]);

  startedMs = clock.nowMs();
  const migrateArgv = resume ? virshMigratePostcopyResume(sourceUri, destinationUri, request) : virshMigrate(sourceUri, destinationUri, request);
  log(`${tag}: ${source.name}$ ${commandLine(migrateArgv)}`);
  let lastPercentLogged = -100;
  let migrateStderr = '';
  let migrateEnded = false;
  const migrateRun = pool
    .exec(source.name, migrateArgv, {
      onStderr: (chunk) => {
        migrateStderr += chunk;
        const percent = parseMigrateProgressPercents(chunk).at(-1);
        if (percent !== undefined && percent - lastPercentLogged >= 25) {
          lastPercentLogged = percent;
          log(`${tag}: virsh migrate ${percent} %`);
        }
      },
    })
    // A lost channel is a failed attempt like any other: where the VM is gets checked below.
    .catch((error: Error): ExecResult => ({ exitCode: null, stdout: '', stderr: `error: ${error.message}\n`, aborted: false }))
    .finally(() => (migrateEnded = true));

  // The post-copy switch runs on the source itself, from the start.
  const stopSwitcher = new AbortController();
  const switcher =
    request.mode === 'post-copy' && !resume
      ? pool
          .exec(source.name, untilInputEnds(virshPostcopySwitchLoop(sourceUri, vm, {
            retryMs: settings.switchRetryMs,
            afterFirstPass: request.postcopySwitch === 'after-first-pass',
            maxTries: Math.ceil(settings.switchGiveUpMs / settings.switchRetryMs),
            restoreMibPerS: request.bandwidthMbps > 0 ? bandwidthMibPerS(request.bandwidthMbps) : 0,
          })), {
            endInput: stopSwitcher.signal,
            onStdout: (chunk) => {
              if (chunk.includes('gave-up')) log(`${tag}: post-copy switch not accepted within ${settings.switchGiveUpMs} ms: pre-copy limit restored, it finishes as pre-copy`);
              if (chunk.includes('requested')) {
                switchRequested = true;
                log(`${tag}: post-copy switch requested after ${clock.nowMs() - startedMs} ms`);
              }
              if (chunk.includes('switched')) {
                markSwitched('source domain paused for post-copy');
                stopSwitcher.abort();
              }
            },
          })
          .catch((error: Error) => log(`${tag}: post-copy switch: ${error.message}`))
      : undefined;
  const stopSwitching = async (): Promise<void> => {
    stopSwitcher.abort();
    await switcher;
  };
  let maxDowntimeSet = request.maxDowntimeMs <= 0;
  let abortSent = false;
  const wake = new AbortController();
  const onAbort = (): void => wake.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  void migrateRun.then(onAbort, onAbort);

  try {
    while (!migrateEnded) {
      await clock.sleep(settings.progressPollMs, wake.signal).catch(() => {});
      if (migrateEnded) break;
      if (signal.aborted) {
        // Settle the switch first: a switch that got through must not be followed by an abort.
        if (!abortSent) await stopSwitching();
        if (switchRequested && !abortSent && asksToPausePostcopy(signal)) {
          // A stalled post-copy (a silent link loss that libvirt's keepalive has not seen):
          // paused, it can be resumed; cancelled, neither host would have the whole VM.
          abortSent = true;
          log(`${tag}: ${reasonText(signal)}: post-copy already switched, pausing it to resume it (domjobabort --postcopy)`);
          const r = await pool.exec(source.name, virshDomjobabort(sourceUri, vm, { postcopy: true }));
          if (r.exitCode !== 0) log(`${tag}: domjobabort --postcopy: ${virshErrorLines(r.stderr) || `exit ${r.exitCode}`}`);
        } else if (switchRequested) {
          // Neither host has the whole VM after the switch: finishing is the only safe way out.
          if (!abortSent) log(`${tag}: not aborting (${reasonText(signal)}): post-copy already switched, letting it finish`);
          abortSent = true;
        } else if (!abortSent) {
          abortSent = true;
          log(`${tag}: aborting (${reasonText(signal)}) with domjobabort`);
          const r = await pool.exec(source.name, virshDomjobabort(sourceUri, vm));
          if (r.exitCode !== 0) log(`${tag}: domjobabort: ${virshErrorLines(r.stderr) || `exit ${r.exitCode}`}`);
        }
        await Promise.race([migrateRun, clock.sleep(settings.progressPollMs)]);
        continue;
      }
      // Each exec costs a few hundred ms on a busy host: do not make the end of the migration wait for a poll.
      const job = await Promise.race([pool.exec(source.name, virshDomjobinfo(sourceUri, vm)), migrateRun.then(() => undefined)]);
      if (!job) break;
      if (job.exitCode !== 0) continue; // the source domain vanishes around the end (test/lab/README.md)
      const stats = readStats(job.stdout);
      if (!stats || !isActiveJob(stats)) continue;
      safely(() => onProgress(progressOf(vm, stats, switchedAtMs !== undefined)), log);
      if (!maxDowntimeSet) {
        maxDowntimeSet = true;
        const r = await pool.exec(source.name, virshMigrateSetMaxDowntime(sourceUri, vm, request.maxDowntimeMs));
        if (r.exitCode !== 0) log(`${tag}: migrate-setmaxdowntime ${request.maxDowntimeMs}: ${virshErrorLines(r.stderr) || `exit ${r.exitCode}`}`);
      }
    }
    const migrated = await migrateRun;
    await stopSwitching();
    const finishedMs = clock.nowMs();
    if (switchRequested && switchedAtMs === undefined && postcopySwitchEvent(eventText, vm) === undefined) {
      log(`${tag}: no post-copy switch event: the migration ended before the requested switch took effect`);
    }
    const migrateOutput = migrated.stderr || migrateStderr;
    // virsh's own "error:" lines, else its last words (a virsh killed by a signal prints none).
    const virshError =
      virshErrorLines(migrateOutput) ||
      migrateOutput
        .split(/[\r\n]+/)
        .map((l) => l.trim())
        .filter((l) => l && !/^Migration: \[/.test(l))
        .at(-1) ||
      (migrated.exitSignal ? `killed by SIG${migrated.exitSignal}` : '');

    if (migrated.exitCode === 0) {
      // Both reads at once: the check of where the VM is, and the final statistics.
      const [[src, dst], stats] = await Promise.all([
        waitForDestination(ctx, vm, listings),
        finalStats(ctx, request, switchedAtMs !== undefined, () => eventText, tag),
      ]);
      if (isOnDestination(vm, src, dst)) return outcome(request, startedMs, finishedMs, stats, switchedAtMs);
    }
    const [src, dst] = await listings();
    const vmOn = locateVm(vm, src, dst, switchRequested);
    // A paused post-copy can finish by itself between the check before a resume and the resume
    // (seen on the lab): the source domain is gone then, and the VM runs on the destination.
    const finishedBeforeResume = resume && vmOn === 'destination';
    if (migrated.exitCode !== 0 && /failed to get domain/.test(virshError) && !finishedBeforeResume) {
      // Not on the source to begin with: nothing was migrated, and trying again will not help.
      throw new MigrationFailedError(vm, `not on ${source.name} (${virshError}); ${describeWhere(vmOn, source.name, destination.name)}`, vmOn, false);
    }
    if (vmOn === 'destination') {
      log(`${tag}: virsh migrate reported ${virshError || `exit ${migrated.exitCode}`}, but the VM runs on ${destination.name} and not on ${source.name}`);
      const stats = await finalStats(ctx, request, switchedAtMs !== undefined, () => eventText, tag);
      return outcome(request, startedMs, finishedMs, stats, switchedAtMs);
    }
    const why =
      abortSent && !switchRequested
        ? `aborted (${reasonText(signal)})`
        : migrated.exitCode === 0
          ? `virsh migrate finished, but the VM does not run on ${destination.name}`
          : `virsh migrate failed (${virshError || `exit ${migrated.exitCode ?? 'without status'}`})`;
    const nowhere = isOnNeither(vm, src, dst);
    let message = `${why}; ${describeWhere(vmOn, source.name, destination.name, nowhere)}`;
    if (nowhere) message += `; ${await destinationQemuLog(ctx, destination, vm)}`;
    const recovery = vmOn === 'paused-in-postcopy' ? postcopyResumeHint(source, destination, request) : undefined;
    throw new MigrationFailedError(vm, message, vmOn, vmOn === 'source', recovery);
  } finally {
    signal.removeEventListener('abort', onAbort);
    stopEvents.abort();
    await Promise.all([events, stopSwitching()]);
  }
}

function readStats(stdout: string): MigrationJobStats | undefined {
  try {
    return parseDomjobinfoRaw(stdout);
  } catch {
    return undefined;
  }
}

function safely(f: () => void, log: (line: string) => void): void {
  try {
    f();
  } catch (error) {
    log(`progress listener failed: ${(error as Error).message}`);
  }
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

async function waitForDestination(
  ctx: SshMigrationContext,
  vm: string,
  listings: () => Promise<[HostListing, HostListing]>,
): Promise<[HostListing, HostListing]> {
  const deadline = ctx.clock.nowMs() + ctx.settings.verifyWaitMs;
  for (;;) {
    const [src, dst] = await listings();
    if (isOnDestination(vm, src, dst) || ctx.clock.nowMs() >= deadline) return [src, dst];
    await ctx.clock.sleep(250);
  }
}

/**
 * Final statistics, from where libvirt 9.0 keeps them (test/lab/README.md): after pre-copy the destination's
 * --completed; after post-copy of a transient domain only the source's job-completed event; a
 * persistent source keeps them for --completed --keep-completed.
 */
async function finalStats(
  ctx: SshMigrationContext,
  request: MigrationRequest,
  switched: boolean,
  eventText: () => string,
  tag: string,
): Promise<MigrationJobStats | undefined> {
  const { pool, clock } = ctx;
  const source = pool.host(request.from);
  const destination = pool.host(request.to);
  const fromEvent = async (waitMs: number): Promise<MigrationJobStats | undefined> => {
    const deadline = clock.nowMs() + waitMs;
    for (;;) {
      const event = parseJobCompletedEvents(eventText()).filter((e) => e.domain === request.vm).at(-1);
      if (event) return event.stats;
      if (clock.nowMs() >= deadline) return undefined;
      await clock.sleep(100);
    }
  };
  const completed = async (host: string, uri: string): Promise<MigrationJobStats | undefined> => {
    const r = await pool.exec(host, virshDomjobinfo(uri, request.vm, { completed: true, keepCompleted: true }));
    const stats = r.exitCode === 0 ? readStats(r.stdout) : undefined;
    return stats?.jobType === 'completed' ? stats : undefined;
  };
  const sources: Array<() => Promise<MigrationJobStats | undefined>> = switched
    ? [() => fromEvent(ctx.settings.finalEventWaitMs), () => completed(source.name, source.libvirtUri), () => completed(destination.name, destination.libvirtUri)]
    : [() => completed(destination.name, destination.libvirtUri), () => fromEvent(ctx.settings.finalEventWaitMs), () => completed(source.name, source.libvirtUri)];
  for (const read of sources) {
    const stats = await read();
    if (stats) return stats;
  }
  ctx.log(`${tag}: no final migration statistics found on either host`);
  return undefined;
}

function outcome(
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
