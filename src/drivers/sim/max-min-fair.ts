// Max-min fair sharing of link capacity by progressive filling: every flow's rate grows at the
// same pace until it reaches its demand or a link it crosses is full.

export interface FlowDemand {
  /** Upper bound on the flow's rate (an application never sends more than it wants). */
  demandMbps: number;
  /** Links the flow crosses, e.g. "hostA:tx", "hostB:rx". */
  links: string[];
}

const EPSILON = 1e-9;

export function allocateMaxMinFair(flows: FlowDemand[], capacityMbps: ReadonlyMap<string, number>): number[] {
  const rates = flows.map(() => 0);
  const remaining = new Map(capacityMbps);
  let active = flows.map((_, i) => i).filter((i) => (flows[i]?.demandMbps ?? 0) > EPSILON && flows[i]!.links.every((l) => (remaining.get(l) ?? 0) > EPSILON));
  while (active.length > 0) {
    const users = new Map<string, number>();
    for (const i of active) for (const l of flows[i]!.links) users.set(l, (users.get(l) ?? 0) + 1);
    let step = Infinity;
    for (const [link, n] of users) step = Math.min(step, (remaining.get(link) ?? 0) / n);
    for (const i of active) step = Math.min(step, flows[i]!.demandMbps - rates[i]!);
    for (const i of active) {
      rates[i]! += step;
      for (const l of flows[i]!.links) remaining.set(l, (remaining.get(l) ?? 0) - step);
    }
    active = active.filter((i) => rates[i]! < flows[i]!.demandMbps - EPSILON && flows[i]!.links.every((l) => (remaining.get(l) ?? 0) > EPSILON));
  }
  return rates;
}
