// The engine's events. The engine never prints: reporters and progress renderers subscribe here.
import { EventEmitter } from 'node:events';
import type { MigrationProgress } from '../drivers/driver.ts';
import type { MeasureEvent } from '../measure/measurements.ts';
import type { MigrationMode, Plan } from '../planner/types.ts';
import type { MigrationRecord } from './migration-record.ts';

/** The pipeline's stages, in order: the one list the workflow and the progress views use. */
export const STAGES = ['connect', 'discover', 'measure', 'plan', 'migrate', 'verify'] as const;
export type StageName = (typeof STAGES)[number];

export type EngineEvent =
  | { type: 'stage'; stage: StageName; status: 'start' | 'end' }
  | MeasureEvent
  | { type: 'planned'; plan: Plan }
  | { type: 'wave-start'; wave: number; vms: string[] }
  | { type: 'migration-start'; vm: string; from: string; to: string; mode: MigrationMode; attempt: number; wave: number }
  | { type: 'migration-progress'; vm: string; progress: MigrationProgress }
  | { type: 'migration-retry'; vm: string; attempt: number; error: string; delayMs: number }
  | { type: 'migration-end'; record: MigrationRecord }
  | { type: 'warning'; message: string }
  | { type: 'info'; message: string };

export class EngineEvents {
  private readonly emitter = new EventEmitter();

  emit(event: EngineEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
