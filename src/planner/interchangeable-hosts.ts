// Destinations that are interchangeable within a component: same load, same free capacity, and
// every move either may go to all of them or to none. Swapping two such hosts' arrivals changes
// nothing, so a search need try only one of them while their states are equal.
import { destinationBin, type PlanningProblem } from './problem.ts';
import type { FixedPart } from './decompose.ts';

/** Class id per host that has at least one twin in the component. */
export function interchangeableHosts(problem: PlanningProblem, fixed: FixedPart, items: readonly number[]): Map<number, number> {
  const sources = new Set(items.map((i) => problem.items[i]!.source));
  const movesTo = new Map<number, number[]>();
  for (const i of items) {
    for (const d of new Set(problem.items[i]!.options.map((o) => o.destination))) movesTo.set(d, [...(movesTo.get(d) ?? []), i]);
  }
  const bySignature = new Map<string, number[]>();
  for (const [d, moving] of movesTo) {
    if (sources.has(d)) continue;
    const signature = [fixed.loadMbps[destinationBin(d)], fixed.freeMemoryMib[d], fixed.freeVcpus[d], moving.join(',')].join('|');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), d]);
  }
  const classOf = new Map<number, number>();
  let next = 0;
  for (const hosts of bySignature.values()) {
    if (hosts.length < 2) continue;
    for (const h of hosts) classOf.set(h, next);
    next++;
  }
  return classOf;
}
