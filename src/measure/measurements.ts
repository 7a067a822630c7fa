// What the measure step produces, and the events it reports while measuring. Defined here, in
// the layer that produces them, so the executor and the reports import them downward.
import type { HostRate, VmRate } from './rates-from-readings.ts';

export interface Measurements {
  durationMs: number;
  intervalMs: number;
  hosts: HostRate[];
  vms: VmRate[];
}

export type MeasureEvent =
  | { type: 'measure-start'; host: string; durationMs: number }
  | { type: 'measure-done'; host: string; rates: HostRate; vms: VmRate[] }
  | { type: 'warning'; message: string };

/** Where the measure step reports progress (the executor's EngineEvents is one). */
export interface MeasureEvents {
  emit(event: MeasureEvent): void;
}
