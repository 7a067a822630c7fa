// The volume bound: remaining moves add at least their lightest option somewhere among their bins.

/** Least possible max over `bins` once `volumeMbps` more is spread over them. */
export function waterLevelMbps(loads: Float64Array, bins: readonly number[], volumeMbps: number): number {
  if (bins.length === 0 || volumeMbps <= 0) return 0;
  const sorted = bins.map((b) => loads[b]!).sort((x, y) => x - y);
  let filled = 0;
  for (let i = 0; i < sorted.length; i++) {
    filled += sorted[i]!;
    const level = (volumeMbps + filled) / (i + 1);
    if (i + 1 === sorted.length || level <= sorted[i + 1]!) return level;
  }
  return Infinity;
}
