// Max-min fair rates of migration streams on full-duplex NICs (progressive filling): every flow
// grows at the same pace until it reaches its demand (application flows never exceed their
// rate) or a link it crosses is full. Application flows cross one link; migration streams two
// (the source's TX, the destination's RX).

export interface LinkFlows {
  capacityMbps: number;
  /** Demands of the application (and background) flows on this link. */
  applicationDemandsMbps: number[];
}

export interface StreamLinks {
  sourceLink: number;
  destinationLink: number;
}

/** Rate of each migration stream; `streamCapMbps` bounds each (Infinity = none). */
export function migrationRatesMbps(links: readonly LinkFlows[], streams: readonly StreamLinks[], streamCapMbps = Infinity): Float64Array {
  const sorted = links.map((l) => Float64Array.from(l.applicationDemandsMbps).sort());
  const prefix = sorted.map((d) => {
    const p = new Float64Array(d.length + 1);
    d.forEach((x, i) => (p[i + 1] = p[i]! + x));
    return p;
  });
  const frozenMbps = new Float64Array(links.length);
  const unfrozen = new Int32Array(links.length);
  const streamsOn: number[][] = links.map(() => []);
  streams.forEach((s, i) => {
    for (const l of [s.sourceLink, s.destinationLink]) {
      unfrozen[l]! += 1;
      streamsOn[l]!.push(i);
    }
  });
  const rates = new Float64Array(streams.length).fill(-1);
  let remaining = streams.length;
  while (remaining > 0) {
    let level = streamCapMbps;
    let bottleneck = -1;
    for (let l = 0; l < links.length; l++) {
      if (unfrozen[l] === 0) continue;
      const saturation = saturationLevel(links[l]!.capacityMbps - frozenMbps[l]!, sorted[l]!, prefix[l]!, unfrozen[l]!);
      if (saturation < level) {
        level = saturation;
        bottleneck = l;
      }
    }
    const freezing = bottleneck < 0 ? streams.map((_, i) => i) : streamsOn[bottleneck]!;
    for (const i of freezing) {
      if (rates[i]! >= 0) continue;
      rates[i] = Math.max(0, level);
      remaining--;
      for (const l of [streams[i]!.sourceLink, streams[i]!.destinationLink]) {
        unfrozen[l]! -= 1;
        frozenMbps[l]! += rates[i]!;
      }
    }
  }
  return rates;
}

/** The level λ at which Σ min(demand, λ) + streams·λ fills `capacityMbps`. */
function saturationLevel(capacityMbps: number, demands: Float64Array, prefix: Float64Array, streams: number): number {
  if (capacityMbps <= 0) return 0;
  // With the k smallest demands satisfied, the rest (and the streams) share what is left equally;
  // the right k is the first whose equal share does not exceed the next demand (monotone in k).
  const levelAt = (k: number): number => (capacityMbps - prefix[k]!) / (demands.length - k + streams);
  let lo = 0;
  let hi = demands.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (levelAt(mid) <= demands[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return levelAt(lo);
}
