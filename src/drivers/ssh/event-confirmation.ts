// A pre-copy that `virsh migrate` says succeeded, confirmed from the hosts' event streams instead
// of asking both hosts with virsh: the destination's "Resumed Migrated" (the VM runs there, and no
// "Stopped" after it), the source's "Stopped Migrated" and its job-completed event, which holds
// the final statistics. Anything missing within the wait leaves the check to virsh.
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import type { EventMark } from './host-event-streams.ts';
import { parseDomainEventLines, parseJobCompletedEvents, type MigrationJobStats } from './virsh-parse.ts';

export interface MigrationEventMarks {
  source: EventMark;
  destination: EventMark;
}

const POLL_MS = 20;

/** The final statistics once both hosts' events confirm the move; undefined if they do not in time. */
export async function confirmPrecopyByEvents(ctx: SshMigrationContext, ends: MigrationEnds, marks: MigrationEventMarks): Promise<MigrationJobStats | undefined> {
  const streams = ctx.hostEvents;
  if (!streams) return undefined;
  const deadline = ctx.clock.nowMs() + ctx.settings.eventConfirmWaitMs;
  for (;;) {
    const stats = confirmed(ends.vm, streams.since(marks.source), streams.since(marks.destination));
    if (stats) return stats;
    if (ctx.clock.nowMs() >= deadline) return undefined;
    await ctx.clock.sleep(POLL_MS);
  }
}

/** The statistics when the two hosts' event texts (since the migration began) show it done. */
export function confirmed(vm: string, sourceText: string, destinationText: string): MigrationJobStats | undefined {
  const lifecycle = (text: string): string[] =>
    parseDomainEventLines(text)
      .filter((e) => e.type === 'lifecycle' && e.domain === vm)
      .map((e) => e.detail);
  const arrived = lifecycle(destinationText);
  const resumedAt = arrived.lastIndexOf('Resumed Migrated');
  if (resumedAt < 0 || arrived.slice(resumedAt + 1).some((d) => d.startsWith('Stopped') || d.startsWith('Crashed'))) return undefined;
  if (!lifecycle(sourceText).includes('Stopped Migrated')) return undefined;
  const completed = parseJobCompletedEvents(sourceText).filter((e) => e.domain === vm).at(-1);
  // Whole lines only reach the text, but the event may still be arriving: wait for what is used.
  if (completed?.stats.downtimeMs === undefined || completed.stats.dataProcessedBytes === undefined) return undefined;
  return completed.stats;
}
