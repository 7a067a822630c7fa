// What the live progress view shows, folded from engine events: stages, counters, the migrations
// running now and the last failures. O(1) per event, so a fleet's worth of progress events costs
// nothing; drawing is separate (progress-migrate-body.ts) and paced (progress-listr.ts).
import type { MigrationProgress } from '../drivers/driver.ts';
import type { EngineEvent, StageName } from '../executor/engine-events.ts';
import type { Plan } from '../planner/types.ts';

export interface StageState {
  stage: StageName;
  startedMs: number;
  endedMs?: number;
}

export interface RunningMigration {
  vm: string;
  from: string;
  to: string;
  mode: string;
  attempt: number;
  startedMs: number;
  progress?: MigrationProgress;
}

export interface RetryingMigration {
  vm: string;
  attempt: number;
  error: string;
  retryAtMs: number;
}

export interface FailedMigration {
  vm: string;
  from: string;
  to: string;
  error: string;
  atMs: number;
}

/** How many of the latest failures stay listed under the running rows. */
export const RECENT_FAILURES_SHOWN = 3;

export class ProgressState {
  readonly stages: StageState[] = [];
  hostsSampling = 0;
  hostsMeasured = 0;
  plan?: Plan;
  wave?: { index: number; startedMs: number };
  /** Running migrations in start order (a Map keeps insertion order). */
  readonly running = new Map<string, RunningMigration>();
  readonly retrying = new Map<string, RetryingMigration>();
  changed = 0;
  failed = 0;
  /** Ended otherwise: already in place (ok) or not attempted (skipped). */
  otherwiseDone = 0;
  readonly recentFailures: FailedMigration[] = [];

  constructor(readonly runStartMs: number) {}

  get total(): number {
    return this.plan?.migrations.length ?? 0;
  }

  get done(): number {
    return this.changed + this.failed + this.otherwiseDone;
  }

  get currentStage(): StageState | undefined {
    const last = this.stages[this.stages.length - 1];
    return last && last.endedMs === undefined ? last : undefined;
  }

  apply(e: EngineEvent, nowMs: number): void {
    switch (e.type) {
      case 'stage':
        if (e.status === 'start') this.stages.push({ stage: e.stage, startedMs: nowMs });
        else {
          const s = this.stages.findLast((x) => x.stage === e.stage);
          if (s) s.endedMs = nowMs;
        }
        break;
      case 'measure-start':
        this.hostsSampling += 1;
        break;
      case 'measure-done':
        this.hostsMeasured += 1;
        break;
      case 'planned':
        this.plan = e.plan;
        break;
      case 'wave-start':
        this.wave = { index: e.wave, startedMs: nowMs };
        break;
      case 'migration-start':
        this.retrying.delete(e.vm);
        this.running.set(e.vm, { vm: e.vm, from: e.from, to: e.to, mode: e.mode, attempt: e.attempt, startedMs: nowMs });
        break;
      case 'migration-progress': {
        const r = this.running.get(e.vm);
        if (r) r.progress = e.progress;
        break;
      }
      case 'migration-retry':
        this.running.delete(e.vm);
        this.retrying.set(e.vm, { vm: e.vm, attempt: e.attempt, error: e.error, retryAtMs: nowMs + e.delayMs });
        break;
      case 'migration-end': {
        const r = e.record;
        this.running.delete(r.vm);
        this.retrying.delete(r.vm);
        if (r.status === 'changed') this.changed += 1;
        else if (r.status === 'failed') {
          this.failed += 1;
          this.recentFailures.push({ vm: r.vm, from: r.from, to: r.to, error: r.error ?? 'failed', atMs: nowMs });
          if (this.recentFailures.length > RECENT_FAILURES_SHOWN) this.recentFailures.shift();
        } else this.otherwiseDone += 1;
        break;
      }
      default:
        break;
    }
  }

  /**
   * Seconds left by the plan's estimates: the rest of the current wave, then every later wave.
   * Undefined when the plan carries no estimates (or before it exists).
   */
  etaS(nowMs: number): number | undefined {
    const waves = this.plan?.waveSummaries;
    if (!waves || waves.length === 0 || this.stages.some((s) => s.stage === 'migrate' && s.endedMs !== undefined)) return undefined;
    const current = this.wave?.index ?? 0;
    const inWaveS = this.wave ? (nowMs - this.wave.startedMs) / 1000 : 0;
    let left = 0;
    for (const w of waves) {
      if (w.wave > current) left += w.estimatedDurationS;
      else if (w.wave === current) left += Math.max(0, w.estimatedDurationS - inWaveS);
    }
    return left;
  }
}
