// How long planning may take and how it reports and stops. The solvers are generators that yield
// whenever a slice of work is done (`pace.due()`); a synchronous caller just runs them through, an
// asynchronous one hands control to the event loop at each yield, so progress reaches the reporters
// and an AbortSignal (Ctrl-C) is seen within a slice. Reading the clock is the only effect.
import { InterruptedError } from '../errors.ts';

export interface PlanProgress {
  elapsedMs: number;
  /** The coupled group being solved (1-based) and how many there are. */
  group: number;
  groups: number;
  moves: number;
  /** Best contention found for that group so far, and its certified lower bound. */
  incumbentMbps?: number;
  lowerBoundMbps: number;
  /** Relative gap between the two (0 = proven for the contention). */
  gap?: number;
}

export interface PlanOptions {
  /** Wall time for the solve; past it the best plan found is returned, unproven, with its gap. */
  timeLimitMs?: number;
  /** Relative contention gap at which a large coupled group stops improving (0.005 = 0.5 %). */
  gap?: number;
  signal?: AbortSignal;
  onProgress?: (progress: PlanProgress) => void;
  /** The clock (ms); tests may replace it. */
  nowMs?: () => number;
  /** Solve coupled groups with the earlier search only (for the bench's side-by-side rows). */
  legacySearch?: boolean;
}

export const DEFAULT_TIME_LIMIT_MS = 10_000;
export const DEFAULT_GAP = 0.005;
/** Share of the time limit for the search; the rest is left for what follows it. */
const SEARCH_SHARE = 0.9;
/** Work between two looks at the clock and the event loop: short enough for Ctrl-C to feel instant. */
const SLICE_MS = 50;

export type Steps<T> = Generator<void, T, void>;

export class Pace {
  readonly startMs: number;
  readonly deadlineMs: number;
  readonly gap: number;
  readonly legacySearch: boolean;
  progress: PlanProgress = { elapsedMs: 0, group: 0, groups: 0, moves: 0, lowerBoundMbps: 0 };
  private readonly clock: () => number;
  private sliceStartMs: number;

  constructor(options: PlanOptions = {}) {
    this.clock = options.nowMs ?? (() => performance.now());
    this.startMs = this.clock();
    // The search stops a little before the limit: waves, time estimates and reasons follow it, and
    // at hundreds of migrations they take a few hundred milliseconds.
    this.deadlineMs = this.startMs + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS) * SEARCH_SHARE;
    this.gap = options.gap ?? DEFAULT_GAP;
    this.legacySearch = options.legacySearch ?? false;
    this.sliceStartMs = this.startMs;
  }

  nowMs(): number {
    return this.clock();
  }

  expired(deadlineMs = this.deadlineMs): boolean {
    return this.clock() >= deadlineMs;
  }

  /** True when the current slice of work is used up: the solver should yield. */
  due(): boolean {
    return this.clock() - this.sliceStartMs >= SLICE_MS;
  }

  sliceStarted(): void {
    this.sliceStartMs = this.clock();
  }

  report(update: Partial<PlanProgress>): void {
    this.progress = { ...this.progress, ...update, elapsedMs: this.clock() - this.startMs };
  }
}

/** Runs planning steps to the end without yielding to anything (tests, the bench). */
export function runSteps<T>(steps: Steps<T>, pace: Pace): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    pace.sliceStarted();
  }
}

/** Progress is shown once planning has taken this long, then at most this often. */
const QUIET_MS = 1000;
const REPORT_EVERY_MS = 500;

/** Runs planning steps, yielding to the event loop between slices: progress, and Ctrl-C. */
export async function runStepsAsync<T>(steps: Steps<T>, pace: Pace, options: PlanOptions): Promise<T> {
  let reportedAtMs = -Infinity;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError('interrupted while planning');
    const next = steps.next();
    if (next.done) return next.value;
    const now = pace.nowMs();
    if (options.onProgress && now - pace.startMs >= QUIET_MS && now - reportedAtMs >= REPORT_EVERY_MS) {
      reportedAtMs = now;
      options.onProgress({ ...pace.progress, elapsedMs: now - pace.startMs });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
    pace.sliceStarted();
  }
}
