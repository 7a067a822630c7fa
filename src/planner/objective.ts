// The planner's one objective, defined once: least contention (the highest host-side load), then
// least contending traffic, then fewest post-copies — compared with one tolerance. Every solver,
// the oracles and the tests compare plans and prune with these functions only.
import type { Plan } from './types.ts';

/** Rates are sums of measured floats: differences below this are noise, not a better plan. */
export const MBPS_TOLERANCE = 1e-7;

export interface PlanKey {
  /** Max over hosts and sides of the contention (the seed's model). */
  contentionMbps: number;
  /** Σ over moves of tx (pre-copy) or rx (post-copy): traffic that competes with some migration. */
  contendingTrafficMbps: number;
  postCopies: number;
}

export const planKey = (contentionMbps: number, contendingTrafficMbps: number, postCopies: number): PlanKey => ({ contentionMbps, contendingTrafficMbps, postCopies });

/** −1, 0 or 1: `a` below, equal to (within the tolerance) or above `b`. */
export function compareMbps(a: number, b: number): number {
  if (a < b - MBPS_TOLERANCE) return -1;
  if (a > b + MBPS_TOLERANCE) return 1;
  return 0;
}

/** Negative when `a` is the better plan, 0 when they tie on all three, positive when `b` is better. */
export function comparePlanKeys(a: PlanKey, b: PlanKey): number {
  return compareMbps(a.contentionMbps, b.contentionMbps) || compareMbps(a.contendingTrafficMbps, b.contendingTrafficMbps) || a.postCopies - b.postCopies;
}

export const isBetterKey = (a: PlanKey, b: PlanKey): boolean => comparePlanKeys(a, b) < 0;

/**
 * The bound check: `bound` is a lower bound, component by component, on every completion of a
 * partial plan; when it does not beat `best`, no completion does and the branch can go. A solver
 * that does not count post-copies passes postCopies 0 in the bound and Infinity in `best`.
 */
export const boundCannotBeat = (bound: PlanKey, best: PlanKey): boolean => comparePlanKeys(bound, best) >= 0;

/** The relative distance between a plan's contention and a lower bound on it (0 = proven). */
export function contentionGap(contentionMbps: number, lowerBoundMbps: number): number {
  if (compareMbps(contentionMbps, lowerBoundMbps) <= 0) return 0;
  return (contentionMbps - lowerBoundMbps) / Math.max(contentionMbps, MBPS_TOLERANCE);
}

/** A finished plan's key (post-copies counted from its migrations). */
export const keyOfPlan = (plan: Plan): PlanKey =>
  planKey(plan.contentionMbps, plan.contendingTrafficMbps ?? 0, plan.migrations.filter((m) => m.mode === 'post-copy').length);
