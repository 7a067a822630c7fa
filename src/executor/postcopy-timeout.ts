// What a migration's timeout does to a post-copy past its switch. It cannot be cancelled (neither
// host has the whole VM), and pausing it (`virsh domjobabort --postcopy`) stops the guest on
// every page it has not received yet. So a post-copy still moving whose remaining time is within
// one timeout is left to finish, looked at again every RECHECK_MS, up to LEFT_TO_FINISH_TIMEOUTS
// timeouts in all; a stalled one (nothing moved for STALL_MS), or one that needs longer, is
// paused as before, and resumed until one more timeout has passed. Seen on the lab:
// a 55 s post-copy over a 16 Mbit/s link with a 40 s timeout was paused, and libvirt 11.3's
// destination daemon crashed on every resume, leaving the VM split between the hosts.
import type { MigrationProgress } from '../drivers/driver.ts';

/** How long without any progress makes a post-copy stalled. */
export const STALL_MS = 15_000;
/** How often a post-copy left to finish is looked at again. */
export const RECHECK_MS = 2_000;
/** A post-copy left to finish is paused all the same this many timeouts after its attempt began. */
export const LEFT_TO_FINISH_TIMEOUTS = 3;

/** How far back the remaining memory's fall is measured, and the least span that counts. */
const DRAIN_WINDOW_MS = 20_000;
const DRAIN_MIN_SPAN_MS = 2_000;

export class PostcopyProgressWatch {
  private last: MigrationProgress | undefined;
  private lastAdvanceMs = -Infinity;
  /** The post-copy's remaining memory over time (since its switch). */
  private remaining: Array<{ atMs: number; bytes: number }> = [];

  observe(progress: MigrationProgress, nowMs: number): void {
    const before = this.last;
    const advanced =
      before === undefined ||
      progress.phase !== before.phase ||
      progress.transferredBytes !== before.transferredBytes ||
      progress.memoryRemainingBytes !== before.memoryRemainingBytes;
    if (advanced) this.lastAdvanceMs = nowMs;
    if (progress.phase !== 'post-copy') this.remaining = [];
    else this.remaining.push({ atMs: nowMs, bytes: progress.memoryRemainingBytes });
    this.remaining = this.remaining.filter((r) => r.atMs >= nowMs - DRAIN_WINDOW_MS);
    this.last = progress;
  }

  /**
   * Seconds a moving post-copy still needs; undefined if it is not one. From how fast its
   * remaining memory fell lately: QEMU sends a zero page as a few bytes, so the remaining
   * memory falls faster than the link rate says (on the lab ~3.3 MiB/s over a 16 Mbit/s link);
   * else at its last rate.
   */
  remainingS(nowMs: number): number | undefined {
    const p = this.last;
    if (p?.phase !== 'post-copy' || nowMs - this.lastAdvanceMs > STALL_MS) return undefined;
    const first = this.remaining[0];
    const latest = this.remaining.at(-1);
    if (first && latest && latest.atMs - first.atMs >= DRAIN_MIN_SPAN_MS && latest.bytes < first.bytes) {
      const drainBytesPerMs = (first.bytes - latest.bytes) / (latest.atMs - first.atMs);
      return latest.bytes / drainBytesPerMs / 1000;
    }
    const bytesPerS = (p.rateMbps * 1e6) / 8;
    return bytesPerS > 0 ? p.memoryRemainingBytes / bytesPerS : undefined;
  }

  /** Whether a post-copy past its timeout is left to run: it moves and needs at most `withinMs` more. */
  mayFinish(nowMs: number, withinMs: number): boolean {
    const s = this.remainingS(nowMs);
    return s !== undefined && s * 1000 <= withinMs;
  }
}
