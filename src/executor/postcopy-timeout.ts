// What a migration's timeout does to a post-copy past its switch. It cannot be cancelled (neither
// host has the whole VM), and pausing it (`virsh domjobabort --postcopy`) stops the guest on
// every page it has not received yet. So a post-copy still moving that will end within one more
// timeout is left to finish; a stalled one (nothing moved for STALL_MS), or one that would take
// longer, is paused as before, and resumed until that second timeout has passed. Seen on the lab:
// a 55 s post-copy over a 16 Mbit/s link with a 40 s timeout was paused, and libvirt 11.3's
// destination daemon crashed on every resume, leaving the VM split between the hosts.
import type { MigrationProgress } from '../drivers/driver.ts';

/** How long without any progress makes a post-copy stalled. */
export const STALL_MS = 15_000;
/** How often a post-copy left to finish is looked at again. */
export const RECHECK_MS = 2_000;

export class PostcopyProgressWatch {
  private last: MigrationProgress | undefined;
  private lastAdvanceMs = -Infinity;

  observe(progress: MigrationProgress, nowMs: number): void {
    const before = this.last;
    const advanced =
      before === undefined ||
      progress.phase !== before.phase ||
      progress.transferredBytes !== before.transferredBytes ||
      progress.memoryRemainingBytes !== before.memoryRemainingBytes;
    if (advanced) this.lastAdvanceMs = nowMs;
    this.last = progress;
  }

  /** Seconds a moving post-copy still needs at its last rate; undefined if it is not one. */
  remainingS(nowMs: number): number | undefined {
    const p = this.last;
    if (p?.phase !== 'post-copy' || nowMs - this.lastAdvanceMs > STALL_MS) return undefined;
    const bytesPerS = (p.rateMbps * 1e6) / 8;
    return bytesPerS > 0 ? p.memoryRemainingBytes / bytesPerS : undefined;
  }

  /** Whether a post-copy past its timeout is left to run: it moves and ends before `untilMs`. */
  mayFinish(nowMs: number, untilMs: number): boolean {
    const s = this.remainingS(nowMs);
    return s !== undefined && nowMs + s * 1000 <= untilMs;
  }
}
