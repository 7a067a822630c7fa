// Wave limits as the planner reads them: 0, negative or non-finite means unlimited.
import type { PlanLimits } from './types.ts';

export function effectiveLimit(limit: number): number {
  return Number.isFinite(limit) && limit > 0 ? Math.floor(limit) : Infinity;
}

export function effectiveLimits(limits: PlanLimits): PlanLimits {
  return {
    maxParallel: effectiveLimit(limits.maxParallel),
    maxOutboundPerHost: effectiveLimit(limits.maxOutboundPerHost),
    maxInboundPerHost: effectiveLimit(limits.maxInboundPerHost),
  };
}
