// The planner's lexicographic goal: least contention, then least contending traffic, then fewest post-copies.

/** Rates are sums of measured floats: differences below this are noise, not a better plan. */
export const MBPS_TOLERANCE = 1e-7;

export interface PlanKey {
  contentionMbps: number;
  /** Σ over moves of tx (pre-copy) or rx (post-copy): traffic that competes with some migration. */
  contendingTrafficMbps: number;
  postCopies: number;
}

export function compareMbps(a: number, b: number): number {
  if (a < b - MBPS_TOLERANCE) return -1;
  if (a > b + MBPS_TOLERANCE) return 1;
  return 0;
}

export function comparePlanKeys(a: PlanKey, b: PlanKey): number {
  return compareMbps(a.contentionMbps, b.contentionMbps) || compareMbps(a.contendingTrafficMbps, b.contendingTrafficMbps) || a.postCopies - b.postCopies;
}
