// Progress of the running job, from domjobinfo on the source, one poll at a time, and between
// polls from virsh migrate's --verbose percentages. The max downtime (virsh migrate has no option
// for it) is set as virsh migrate starts: libvirt 11 takes it before the job exists and the job
// keeps it (seen on the lab); where that fails, the first poll that finds the job sets it.
import type { MigrationProgress, MigrationRequest } from '../driver.ts';
import type { MigrationEnds, SshMigrationContext } from './ssh-migration-context.ts';
import { virshDomjobinfo, virshMigrateSetMaxDowntime } from './virsh-argv.ts';
import { parseDomjobinfoRaw, virshErrorLines, type MigrationJobStats } from './virsh-parse.ts';

export function readStats(stdout: string): MigrationJobStats | undefined {
  try {
    return parseDomjobinfoRaw(stdout);
  } catch {
    return undefined;
  }
}

function isActiveJob(stats: MigrationJobStats): boolean {
  return stats.jobType === 'unbounded' || stats.jobType === 'bounded';
}

export function progressOf(vm: string, stats: MigrationJobStats, switched: boolean): MigrationProgress {
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

export class ProgressPoller {
  private maxDowntimeSet: boolean;
  /** The last progress passed on, which a percentage from virsh migrate updates. */
  private last: MigrationProgress | undefined;

  constructor(
    private readonly ctx: SshMigrationContext,
    private readonly ends: MigrationEnds,
    private readonly request: MigrationRequest,
    private readonly onProgress: (p: MigrationProgress) => void,
  ) {
    this.maxDowntimeSet = request.maxDowntimeMs <= 0;
  }

  /** Whether the max downtime is still to be set (then the first poll comes early, to set it). */
  get maxDowntimePending(): boolean {
    return !this.maxDowntimeSet;
  }

  /**
   * Sets the max downtime now, beside virsh migrate starting: outside the job it holds for the job
   * (libvirt restores the value it found when the job ends). A failure leaves it to the first poll.
   */
  async setMaxDowntime(): Promise<void> {
    if (this.maxDowntimeSet) return;
    const failure = await this.sendMaxDowntime().catch((error: Error) => error.message);
    if (failure === undefined) this.maxDowntimeSet = true;
    else this.ctx.log(`${this.ends.tag}: migrate-setmaxdowntime ${this.request.maxDowntimeMs} before the job: ${failure}; the first poll sets it`);
  }

  /** `virsh migrate-setmaxdowntime` on the source; why it failed, or undefined. */
  private async sendMaxDowntime(): Promise<string | undefined> {
    const { source, sourceUri, vm } = this.ends;
    const r = await this.ctx.pool.exec(source.name, virshMigrateSetMaxDowntime(sourceUri, vm, this.request.maxDowntimeMs));
    return r.exitCode === 0 ? undefined : virshErrorLines(r.stderr) || r.stderr.trim() || `exit ${r.exitCode}`;
  }

  /**
   * One poll; 'ended' when virsh migrate ended before the answer came: each exec costs a few
   * hundred ms on a busy host, and the end of the migration must not wait for it.
   */
  async poll(migrateEnded: Promise<unknown>, switched: () => boolean): Promise<'polled' | 'ended'> {
    const { pool, log } = this.ctx;
    const { source, sourceUri, vm, tag } = this.ends;
    const job = await Promise.race([pool.exec(source.name, virshDomjobinfo(sourceUri, vm)), migrateEnded.then(() => undefined)]);
    if (!job) return 'ended';
    if (job.exitCode !== 0) return 'polled'; // the source domain vanishes around the end (test/lab/README.md)
    const stats = readStats(job.stdout);
    if (!stats || !isActiveJob(stats)) return 'polled';
    this.pass(progressOf(vm, stats, switched()));
    if (!this.maxDowntimeSet) {
      this.maxDowntimeSet = true;
      const failure = await this.sendMaxDowntime();
      if (failure !== undefined) log(`${tag}: migrate-setmaxdowntime ${this.request.maxDowntimeMs}: ${failure}`);
    }
    return 'polled';
  }

  /**
   * virsh migrate's own "Migration: [ N %]" (of the data to send, now): the remaining memory
   * between two polls, from the total the last poll read. Before any poll there is no total.
   */
  percent(percent: number, switched: boolean): void {
    const last = this.last;
    if (!last || last.memoryTotalBytes <= 0) return;
    const remainingBytes = Math.round((last.memoryTotalBytes * (100 - percent)) / 100);
    if (remainingBytes === last.memoryRemainingBytes) return;
    this.pass({ ...last, phase: switched ? 'post-copy' : last.phase, memoryRemainingBytes: remainingBytes });
  }

  private pass(progress: MigrationProgress): void {
    this.last = progress;
    try {
      this.onProgress(progress);
    } catch (error) {
      this.ctx.log(`progress listener failed: ${(error as Error).message}`);
    }
  }
}
