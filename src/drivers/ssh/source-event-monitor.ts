// `virsh event --loop` on the source, from before the migration starts: the lifecycle event of a
// post-copy switch, and job-completed, the only final record after post-copy of a transient
// domain. Read line by line, so an event cut between two chunks is seen once, whole.
import type { SshMigrationContext, MigrationEnds } from './ssh-migration-context.ts';
import { LineSplitter } from './line-splitter.ts';
import { untilInputEnds, virshDomainEvents } from './virsh-argv.ts';
import { postcopySwitchEvent } from './virsh-parse.ts';

/** How long the migration waits for the monitor's channel to open before it starts anyway. */
const openWaitMs = 2000;

export interface SourceEventMonitor {
  /** False for a migration that runs without one (no event will ever come). */
  watched: boolean;
  /** Every whole line the monitor printed so far, each ending in "\n". */
  text(): string;
  /** Ends the monitor on the host (its input closes) and waits for its channel. */
  stop(): Promise<void>;
}

/**
 * Starts the monitor; with waitForOpen, resolves once its channel is open (or after openWaitMs).
 * A pre-copy need not wait: its final statistics are read on the destination first, and the
 * round-trip would be added to every migration.
 */
export async function startSourceEventMonitor(
  ctx: SshMigrationContext,
  ends: MigrationEnds,
  onSwitchEvent: () => void,
  options: { waitForOpen: boolean },
): Promise<SourceEventMonitor> {
  const { pool, clock, log } = ctx;
  const { vm, tag } = ends;
  const stopInput = new AbortController();
  const lines = new LineSplitter();
  let text = '';
  const take = (complete: string[]): void => {
    for (const line of complete) {
      text += `${line}\n`;
      if (postcopySwitchEvent(line, vm)) onSwitchEvent();
    }
  };
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const running = pool
    .exec(ends.source.name, untilInputEnds(virshDomainEvents(ends.sourceUri, vm)), {
      endInput: stopInput.signal,
      onOpen: () => opened(),
      onStdout: (chunk) => take(lines.push(chunk)),
    })
    .then(() => take(lines.end()))
    .catch((error: Error) => {
      log(`${tag}: event monitor failed: ${error.message}`);
      opened();
    });
  if (options.waitForOpen) await Promise.race([open, clock.sleep(openWaitMs)]);
  return {
    watched: true,
    text: () => text,
    stop: async () => {
      stopInput.abort();
      await running;
    },
  };
}

/**
 * A pre-copy runs without a monitor: its end and final statistics come from the host's event
 * stream opened at connect (host-event-streams.ts), else from virsh on the destination, and
 * starting `virsh event` beside `virsh migrate` took ~0.3 s from the migration on the lab (the two
 * start together on the source's CPU).
 */
export const unwatchedSourceEvents: SourceEventMonitor = { watched: false, text: () => '', stop: async () => {} };
