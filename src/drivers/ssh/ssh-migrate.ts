// One migration over SSH, as a state machine (migration-state.ts): `virsh migrate` on the source,
// the source's events, the post-copy switch loop, progress polled on the source and aborts
// answered by the migration's state; then the conclusion checks with `virsh list --all` on both
// hosts where the VM really is.
import type { MigrationOutcome, MigrationPhasesMs, MigrationProgress, MigrationRequest } from '../driver.ts';
import { MigrationFailedError } from '../../errors.ts';
import { answerAbort, reasonText } from './abort-policy.ts';
import { concludeMigration, listBothHosts, outcome } from './migration-conclusion.ts';
import { MigrationStateMachine } from './migration-state.ts';
import { startPostcopySwitcher, type PostcopySwitcher } from './postcopy-switcher.ts';
import { switchLoopWords, type SwitchLoopWord } from './postcopy-switch-words.ts';
import { ProgressPoller } from './progress-poller.ts';
import { startSourceEventMonitor, unwatchedSourceEvents } from './source-event-monitor.ts';
import { migrationEnds, type SshMigrationContext } from './ssh-migration-context.ts';
import { startVirshMigrate } from './virsh-migrate-run.ts';
import { isOnDestination } from './vm-whereabouts.ts';

export { defaultSshMigrationSettings, type SshMigrationContext, type SshMigrationSettings } from './ssh-migration-context.ts';

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
  const ends = migrationEnds(ctx, request, resume);
  const { vm, source, destination, tag } = ends;
  if (signal.aborted) throw new MigrationFailedError(vm, `not started: ${reasonText(signal)}`, 'source');
  const enteredMs = clock.nowMs();

  if (resume) {
    const [src, dst] = await listBothHosts(ctx, ends);
    if (isOnDestination(vm, src, dst)) {
      log(`${tag}: the paused post-copy finished by itself: ${vm} runs on ${destination.name} only`);
      const nowMs = clock.nowMs();
      return outcome(request, nowMs, nowMs, undefined, nowMs);
    }
  }

  const machine = new MigrationStateMachine(() => clock.nowMs());
  const connectingMs = clock.nowMs();
  let startedMs = connectingMs;
  const markSwitched = (how: string): void => {
    if (machine.switchedAtMs !== undefined) return;
    machine.fire('switched');
    log(`${tag}: switched to post-copy after ${machine.switchedAtMs! - startedMs} ms (${how})`);
  };
  // Only a post-copy needs the source's events, from the first moment: the switch is one of them.
  const postcopy = request.mode === 'post-copy' || resume;
  const events = postcopy ? await startSourceEventMonitor(ctx, ends, () => markSwitched('lifecycle event'), { waitForOpen: true }) : unwatchedSourceEvents;

  // A pre-copy's end is confirmed from the hosts' event streams, read from here on.
  const eventMarks = !postcopy && ctx.hostEvents ? { source: ctx.hostEvents.mark(source.name), destination: ctx.hostEvents.mark(destination.name) } : undefined;
  startedMs = clock.nowMs();
  machine.fire(resume ? 'resume-started' : 'migrate-started');
  const poller = new ProgressPoller(ctx, ends, request, onProgress);
  const switched = (): boolean => machine.switchedAtMs !== undefined;
  const migrateRun = startVirshMigrate(ctx, ends, request, resume, (percent) => poller.percent(percent, switched()));
  // Beside virsh migrate, not after it: a migration that converges in its first second keeps it too.
  const maxDowntimeSetting = resume ? Promise.resolve() : poller.setMaxDowntime();
  const onSwitchWord = (word: SwitchLoopWord): void => {
    if (word === switchLoopWords.gaveUp) {
      log(`${tag}: post-copy switch not accepted within ${settings.switchGiveUpMs} ms: pre-copy limit restored, it finishes as pre-copy`);
    } else if (word === switchLoopWords.requested) {
      machine.fire('switch-requested');
      log(`${tag}: post-copy switch requested after ${clock.nowMs() - startedMs} ms`);
    } else {
      markSwitched('source domain paused for post-copy');
    }
  };
  const switcher: PostcopySwitcher | undefined = request.mode === 'post-copy' && !resume ? startPostcopySwitcher(ctx, ends, request, onSwitchWord) : undefined;
  const stopSwitching = async (): Promise<void> => switcher?.stop();
  const wake = new AbortController();
  /** When a cancel was sent, until virsh migrate is ended for ignoring it. */
  let cancelSentMs: number | undefined;
  const onAbort = (): void => wake.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  void migrateRun.result.then(onAbort, onAbort);

  try {
    await Promise.race([maxDowntimeSetting, migrateRun.result]);
    for (let polls = 0; !migrateRun.ended(); polls++) {
      // The first poll comes early only to set a max downtime that could not be set at the start.
      const firstPollMs = poller.maxDowntimePending ? settings.firstPollMs : settings.progressPollMs;
      await clock.sleep(polls === 0 ? Math.min(firstPollMs, settings.progressPollMs) : settings.progressPollMs, wake.signal).catch(() => {});
      if (migrateRun.ended()) break;
      if (signal.aborted) {
        // Settle the switch first: a switch that got through must not be followed by a cancel.
        if (!machine.abortAnswered) {
          await stopSwitching();
          await answerAbort({ machine, exec: (argv) => pool.exec(source.name, argv), sourceUri: ends.sourceUri, vm, tag, log }, signal);
          cancelSentMs = machine.state === 'cancelling' ? clock.nowMs() : undefined;
        }
        // A cancel virsh migrate does not act on must not hold the attempt forever: on the lab a
        // pre-copy attempt cut off from its destination once never ended (a link cut while virsh
        // still opens its connection there leaves it blocked with no job to cancel). Before any
        // switch, ending virsh is safe: libvirt cancels a job whose client went away.
        if (cancelSentMs !== undefined && clock.nowMs() - cancelSentMs >= settings.abortGraceMs) {
          cancelSentMs = undefined;
          log(`${tag}: virsh migrate still running ${settings.abortGraceMs / 1000} s after domjobabort: ending it on ${source.name}`);
          if (!(await migrateRun.kill())) log(`${tag}: could not end virsh migrate on ${source.name}`);
        }
        await Promise.race([migrateRun.result, clock.sleep(settings.progressPollMs)]);
        continue;
      }
      if ((await poller.poll(migrateRun.result, switched)) === 'ended') break;
    }
    const migrated = await migrateRun.result;
    await stopSwitching();
    machine.fire('migrate-ended');
    const finishedMs = clock.nowMs();
    const concluded = await concludeMigration(ctx, ends, {
      request,
      resume,
      machine,
      migrated,
      migrateStderr: migrateRun.stderr(),
      startedMs,
      finishedMs,
      events,
      ...(eventMarks ? { eventMarks } : {}),
      signal,
    });
    // Ending the watchers on the source is part of what the migration costs.
    await Promise.all([events.stop(), stopSwitching()]);
    const phasesMs: MigrationPhasesMs = {
      prechecksMs: connectingMs - enteredMs,
      connectMs: startedMs - connectingMs,
      migrateMs: finishedMs - startedMs,
      postchecksMs: clock.nowMs() - finishedMs,
    };
    log(`${tag}: ${phasesText(phasesMs)}`);
    return { ...concluded, phasesMs };
  } finally {
    signal.removeEventListener('abort', onAbort);
    await Promise.all([events.stop(), stopSwitching()]);
  }
}

function phasesText(p: MigrationPhasesMs): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
  return `phases: prechecks ${s(p.prechecksMs)}, connect ${s(p.connectMs)}, migrate ${s(p.migrateMs)}, postchecks ${s(p.postchecksMs)}`;
}
