// Time-weighted averages over a window of tapped segments, for metrics computed per segment.
import { mbpsToBytesPerMs } from '../../src/drivers/sim/sim-world.ts';
import type { TrafficSegment } from './traffic-tap.ts';

export interface VmRatesMbps {
  txMbps: number;
  rxMbps: number;
}

/** The achieved rates of one segment, in Mbit/s per VM. */
export type SegmentRates = ReadonlyMap<string, VmRatesMbps>;

export function segmentRates(segment: TrafficSegment): SegmentRates {
  const durationMs = segment.toMs - segment.fromMs;
  const perMbps = mbpsToBytesPerMs(1) * durationMs;
  return new Map([...segment.vms].map(([vm, b]) => [vm, { txMbps: b.txBytes / perMbps, rxMbps: b.rxBytes / perMbps }]));
}

/** Average of metric(rates) over [fromMs, toMs]; segments cut by the window count pro rata. */
export function averageOverWindow(segments: readonly TrafficSegment[], fromMs: number, toMs: number, metric: (rates: SegmentRates) => number): number {
  let weighted = 0;
  let coveredMs = 0;
  for (const s of segments) {
    const overlapMs = Math.min(s.toMs, toMs) - Math.max(s.fromMs, fromMs);
    if (overlapMs <= 0) continue;
    weighted += metric(segmentRates(s)) * overlapMs;
    coveredMs += overlapMs;
  }
  if (coveredMs <= 0) throw new Error(`no tapped traffic between ${fromMs} ms and ${toMs} ms`);
  return weighted / coveredMs;
}
