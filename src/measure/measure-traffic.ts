// Measurement step: one sampler per host over the window, all hosts at once, through the driver;
// the VMs' memory dirty rates are measured in the same window where the driver can.
import type { DirtyRateReading, Driver, SamplingWindow } from '../drivers/driver.ts';
import type { MeasureEvents, Measurements } from './measurements.ts';
import { ratesFromReadings } from './rates-from-readings.ts';

export async function measureTraffic(
  driver: Driver,
  hosts: string[],
  window: SamplingWindow,
  events: MeasureEvents,
  signal?: AbortSignal,
): Promise<Measurements> {
  const perHost = await Promise.all(
    hosts.map(async (host) => {
      events.emit({ type: 'measure-start', host, durationMs: window.durationMs });
      const [readings, dirty] = await Promise.all([driver.sampleCounters(host, window, signal), measureDirtyRates(driver, host, window, events, signal)]);
      const rates = ratesFromReadings(host, readings);
      const dirtyByVm = new Map(dirty.map((d) => [d.vm, d.dirtyMibPerS]));
      const vms = rates.vms.map((v) => (dirtyByVm.has(v.vm) ? { ...v, dirtyMibPerS: dirtyByVm.get(v.vm)! } : v));
      events.emit({ type: 'measure-done', host, rates: rates.host, vms });
      return { host: rates.host, vms };
    }),
  );
  return {
    durationMs: window.durationMs,
    intervalMs: window.intervalMs,
    hosts: perHost.map((r) => r.host),
    vms: perHost.flatMap((r) => r.vms),
  };
}

/** Dirty rates are an aid to planning, not a precondition: a host that cannot measure them is warned about. */
async function measureDirtyRates(driver: Driver, host: string, window: SamplingWindow, events: MeasureEvents, signal?: AbortSignal): Promise<DirtyRateReading[]> {
  if (!driver.measureDirtyRates) return [];
  try {
    return await driver.measureDirtyRates(host, window, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    events.emit({ type: 'warning', message: `${host}: memory dirty rates not measured (${why}); the plan assumes its VMs dirty none` });
    return [];
  }
}
