// Final statistics of a finished migration, from where libvirt keeps them (test/lab/README.md):
// the source's job-completed event (if the monitor caught it); after pre-copy the destination's
// --completed; after post-copy of a transient domain only that event; a persistent source keeps
// them for --completed --keep-completed.
import type { MigrationRequest } from '../driver.ts';
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import { readStats } from './progress-poller.ts';
import { virshDomjobinfo } from './virsh-argv.ts';
import { parseJobCompletedEvents, type MigrationJobStats } from './virsh-parse.ts';

export async function finalStats(
  ctx: SshMigrationContext,
  ends: MigrationEnds,
  request: MigrationRequest,
  switched: boolean,
  /** The source's events so far; undefined when no monitor ran (then only virsh is asked). */
  eventText: (() => string) | undefined,
): Promise<MigrationJobStats | undefined> {
  const { pool, clock } = ctx;
  const { source, destination } = ends;
  const fromEvent = async (waitMs: number): Promise<MigrationJobStats | undefined> => {
    if (!eventText) return undefined;
    const deadline = clock.nowMs() + waitMs;
    for (;;) {
      const event = parseJobCompletedEvents(eventText()).filter((e) => e.domain === request.vm).at(-1);
      // Whole lines only reach the text, but an event may still be arriving: wait for what we use.
      if (event && event.stats.downtimeMs !== undefined && event.stats.dataProcessedBytes !== undefined) return event.stats;
      if (clock.nowMs() >= deadline) return undefined;
      await clock.sleep(100);
    }
  };
  const completed = async (host: string, uri: string): Promise<MigrationJobStats | undefined> => {
    const r = await pool.exec(host, virshDomjobinfo(uri, request.vm, { completed: true, keepCompleted: true }));
    const stats = r.exitCode === 0 ? readStats(r.stdout) : undefined;
    return stats?.jobType === 'completed' ? stats : undefined;
  };
  // The event, when it is already in, costs no virsh call on a host that may be busy: it holds the
  // same completed statistics (the destination's, sent back to the source at the end).
  const sources: Array<() => Promise<MigrationJobStats | undefined>> = switched
    ? [() => fromEvent(ctx.settings.finalEventWaitMs), () => completed(source.name, source.libvirtUri), () => completed(destination.name, destination.libvirtUri)]
    : [() => fromEvent(0), () => completed(destination.name, destination.libvirtUri), () => fromEvent(ctx.settings.finalEventWaitMs), () => completed(source.name, source.libvirtUri)];
  for (const read of sources) {
    const stats = await read();
    if (stats) return stats;
  }
  ctx.log(`${ends.tag}: no final migration statistics found on either host`);
  return undefined;
}
