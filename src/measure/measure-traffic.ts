// Measurement step: one sampler per host over the window, all hosts at once, through the driver.
import type { Driver, SamplingWindow } from '../drivers/driver.ts';
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
      const readings = await driver.sampleCounters(host, window, signal);
      const rates = ratesFromReadings(host, readings);
      events.emit({ type: 'measure-done', host, rates: rates.host, vms: rates.vms });
      return rates;
    }),
  );
  return {
    durationMs: window.durationMs,
    intervalMs: window.intervalMs,
    hosts: perHost.map((r) => r.host),
    vms: perHost.flatMap((r) => r.vms),
  };
}
