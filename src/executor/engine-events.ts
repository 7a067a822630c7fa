// The engine's events. The engine never prints: reporters and progress renderers subscribe here.
import type { MigrationProgress } from '../drivers/driver.ts';
import type { MeasureEvent } from '../measure/measurements.ts';
import type { PlanProgress } from '../planner/plan-pace.ts';
import type { MigrationMode, Plan } from '../planner/types.ts';
import type { MigrationRecord } from './migration-record.ts';

/** The pipeline's stages, in order: the one list the workflow and the progress views use. */
export const STAGES = ['connect', 'discover', 'measure', 'plan', 'migrate', 'verify'] as const;
export type StageName = (typeof STAGES)[number];

export type EngineEvent =
  | { type: 'stage'; stage: StageName; status: 'start' | 'end' }
  | MeasureEvent
  | { type: 'plan-progress'; progress: PlanProgress }
  | { type: 'planned'; plan: Plan }
  | { type: 'wave-start'; wave: number; vms: string[] }
  | { type: 'migration-start'; vm: string; from: string; to: string; mode: MigrationMode; attempt: number; wave: number }
  | { type: 'migration-progress'; vm: string; progress: MigrationProgress }
  | { type: 'migration-retry'; vm: string; attempt: number; error: string; delayMs: number }
  | { type: 'migration-end'; record: MigrationRecord }
  | { type: 'warning'; message: string }
  | { type: 'info'; message: string };

export class EngineEvents {
  private listeners: Array<(event: EngineEvent) => void> = [];

  /**
   * Delivers the event to every listener. A listener that throws (a reporter bug, a full disk)
   * is reported to the others as a warning, as Ansible's send_callback does: output never
   * breaks the run.
   */
  emit(event: EngineEvent): void {
    const failures: Array<{ listener: (event: EngineEvent) => void; message: string }> = [];
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        failures.push({ listener, message: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const { listener: failed, message } of failures) {
      const article = /^[aeiou]/.test(event.type) ? 'an' : 'a';
      const warning: EngineEvent = { type: 'warning', message: `an output listener failed on ${article} '${event.type}' event (skipped for it): ${message}` };
      for (const listener of [...this.listeners]) {
        if (listener === failed) continue;
        try {
          listener(warning);
        } catch {
          // A listener failing on this warning too is not warned about again: that could loop.
        }
      }
    }
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners = this.listeners.filter((_, k) => k !== i);
    };
  }
}
