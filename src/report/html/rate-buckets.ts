// Step-shaped rates (a constant Mbps over each interval) averaged into equal time buckets.
// Charts draw buckets, not samples: a 10-minute migration sampled every second would otherwise
// put thousands of points into the page. Bits are conserved, so overlapping intervals (several
// migrations through one NIC) add up.

/** A constant rate over [startS, endS). */
export interface RateInterval {
  startS: number;
  endS: number;
  mbps: number;
}

export interface RateBucket {
  startS: number;
  endS: number;
  /** Average over the whole bucket, idle time included. */
  mbps: number;
}

export function bucketRates(intervals: RateInterval[], fromS: number, toS: number, bucketCount: number): RateBucket[] {
  if (!(toS > fromS) || bucketCount < 1) return [];
  const widthS = (toS - fromS) / bucketCount;
  const megabits = new Array<number>(bucketCount).fill(0);
  for (const iv of intervals) {
    const start = Math.max(iv.startS, fromS);
    const end = Math.min(iv.endS, toS);
    if (!(end > start) || !Number.isFinite(iv.mbps)) continue;
    const first = Math.min(bucketCount - 1, Math.floor((start - fromS) / widthS));
    const last = Math.min(bucketCount - 1, Math.floor((end - fromS) / widthS));
    for (let b = first; b <= last; b++) {
      const overlapS = Math.min(end, fromS + (b + 1) * widthS) - Math.max(start, fromS + b * widthS);
      if (overlapS > 0) megabits[b]! += iv.mbps * overlapS;
    }
  }
  return megabits.map((mb, b) => ({ startS: fromS + b * widthS, endS: fromS + (b + 1) * widthS, mbps: mb / widthS }));
}
