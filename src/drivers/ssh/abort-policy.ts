// What an abort of a running migration does, from the migration's state: before a post-copy
// switch it cancels; after it neither host has the whole VM, so it pauses (when the executor
// asks, to resume later) or lets the migration finish; an abort already answered does nothing.
import { asksToPausePostcopy } from '../driver.ts';
import type { ExecResult } from './ssh-pool.ts';
import { virshDomjobabort } from './virsh-argv.ts';
import { virshErrorLines } from './virsh-parse.ts';
import type { MigrationState, MigrationStateMachine } from './migration-state.ts';

export type AbortAnswer = 'cancel' | 'pause-post-copy' | 'let-finish' | 'none';

export function abortAnswer(state: MigrationState, pausePostcopy: boolean): AbortAnswer {
  switch (state) {
    case 'starting':
    case 'pre-copy':
      return 'cancel';
    case 'switch-requested':
    case 'post-copy':
      return pausePostcopy ? 'pause-post-copy' : 'let-finish';
    default:
      return 'none';
  }
}

export interface AbortTarget {
  machine: MigrationStateMachine;
  /** Runs argv on the source. */
  exec: (argv: string[]) => Promise<ExecResult>;
  sourceUri: string;
  vm: string;
  tag: string;
  log: (line: string) => void;
}

export function reasonText(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : String(r ?? 'aborted');
}

/** Answers the abort once, by the state the migration is in now. */
export async function answerAbort(target: AbortTarget, signal: AbortSignal): Promise<void> {
  const { machine, exec, sourceUri, vm, tag, log } = target;
  const why = reasonText(signal);
  const answer = abortAnswer(machine.state, asksToPausePostcopy(signal));
  if (answer === 'none') return;
  if (answer === 'let-finish') {
    machine.fire('abort-refused');
    log(`${tag}: not aborting (${why}): post-copy already switched, letting it finish`);
    return;
  }
  if (answer === 'pause-post-copy') {
    // A stalled post-copy (a silent link loss that libvirt's keepalive has not seen):
    // paused, it can be resumed; cancelled, neither host would have the whole VM.
    machine.fire('pause-sent');
    log(`${tag}: ${why}: post-copy already switched, pausing it to resume it (domjobabort --postcopy)`);
    const r = await exec(virshDomjobabort(sourceUri, vm, { postcopy: true }));
    if (r.exitCode !== 0) log(`${tag}: domjobabort --postcopy: ${virshErrorLines(r.stderr) || `exit ${r.exitCode}`}`);
    return;
  }
  machine.fire('cancel-sent');
  log(`${tag}: aborting (${why}) with domjobabort`);
  const r = await exec(virshDomjobabort(sourceUri, vm));
  if (r.exitCode !== 0) log(`${tag}: domjobabort: ${virshErrorLines(r.stderr) || `exit ${r.exitCode}`}`);
}
