// Virtual time for the simulator: time jumps to the next event as soon as every pending
// promise continuation has run, so a 10-minute migration costs milliseconds of wall time.
import type { Clock } from '../driver.ts';

/** Something with its own timeline (the sim's fluid model) the clock must advance in step. */
export interface Timeline {
  nextEventMs(): number;
  advanceTo(ms: number): void;
}

interface Timer {
  atMs: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
  private now = 0;
  private seq = 0;
  private timers: Timer[] = [];
  private tickPending = false;
  private readonly timelines: Timeline[] = [];

  nowMs(): number {
    return this.now;
  }

  attach(timeline: Timeline): void {
    this.timelines.push(timeline);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = {
        atMs: this.now + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake();
    });
  }

  /** Called by timelines whose next event may have moved earlier. */
  wake(): void {
    if (this.tickPending) return;
    this.tickPending = true;
    // Two macrotask hops: every promise continuation (and the next one it schedules) runs first.
    setImmediate(() => setImmediate(() => this.tick()));
  }

  private tick(): void {
    this.tickPending = false;
    const nextTimerMs = this.timers.reduce((m, t) => Math.min(m, t.atMs), Infinity);
    const nextTimelineMs = this.timelines.reduce((m, t) => Math.min(m, t.nextEventMs()), Infinity);
    const next = Math.min(nextTimerMs, nextTimelineMs);
    if (next === Infinity) return; // idle: nothing waits on virtual time
    this.now = Math.max(this.now, next);
    for (const timeline of this.timelines) timeline.advanceTo(this.now);
    const due = this.timers.filter((t) => t.atMs <= this.now).sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    this.timers = this.timers.filter((t) => t.atMs > this.now);
    for (const t of due) t.resolve();
    this.wake();
  }
}
