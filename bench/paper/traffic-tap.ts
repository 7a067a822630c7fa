// Records what every VM's guest counters did between consecutive steps of the sim's virtual clock.
// Rates in the fluid model are constant between clock steps, so each segment has exact rates.
// A read-only observer: it attaches to the clock like any timeline and never changes the world.
import type { SimDriver } from '../../src/drivers/sim/sim-driver.ts';

export interface VmSegmentBytes {
  txBytes: number;
  rxBytes: number;
}

export interface TrafficSegment {
  fromMs: number;
  toMs: number;
  vms: Map<string, VmSegmentBytes>;
}

export function attachTrafficTap(driver: SimDriver): TrafficSegment[] {
  const segments: TrafficSegment[] = [];
  const { world } = driver;
  let lastMs = driver.clock.nowMs();
  let last = snapshot();
  function snapshot(): Map<string, VmSegmentBytes> {
    return new Map([...world.vms].map(([name, vm]) => [name, { txBytes: vm.txBytes, rxBytes: vm.rxBytes }]));
  }
  driver.clock.attach({
    nextEventMs: () => Infinity,
    advanceTo: (ms) => {
      if (ms <= lastMs) return;
      const now = snapshot();
      const vms = new Map<string, VmSegmentBytes>();
      for (const [name, cur] of now) {
        const prev = last.get(name) ?? { txBytes: 0, rxBytes: 0 };
        vms.set(name, { txBytes: cur.txBytes - prev.txBytes, rxBytes: cur.rxBytes - prev.rxBytes });
      }
      segments.push({ fromMs: lastMs, toMs: ms, vms });
      lastMs = ms;
      last = now;
    },
  });
  return segments;
}
