// The world-wide progressive filling tsmig used before it filled connected groups of links one
// by one (src/drivers/sim/max-min-fair.ts): the oracle its results must equal bit for bit.
import type { FlowDemand } from '../../src/drivers/sim/max-min-fair.ts';

const EPSILON = 1e-9;

interface LinkState {
  remainingMbps: number;
  active: number;
  flows: number[];
}

export function worldWideMaxMinFair(flows: FlowDemand[], capacityMbps: ReadonlyMap<string, number>): number[] {
  const rates = flows.map(() => 0);
  const frozen = flows.map(() => false);
  const links = new Map<string, LinkState>();
  const linkOf = (name: string): LinkState => {
    let l = links.get(name);
    if (!l) links.set(name, (l = { remainingMbps: capacityMbps.get(name) ?? 0, active: 0, flows: [] }));
    return l;
  };
  flows.forEach((f, i) => {
    const states = f.links.map(linkOf);
    if (f.demandMbps <= EPSILON || states.some((l) => l.remainingMbps <= EPSILON)) {
      frozen[i] = true;
      return;
    }
    for (const l of states) {
      l.active += 1;
      l.flows.push(i);
    }
  });

  const freeze = (i: number, rate: number): void => {
    frozen[i] = true;
    rates[i] = rate;
    for (const name of flows[i]!.links) {
      const l = links.get(name)!;
      l.remainingMbps -= rate;
      l.active -= 1;
    }
  };

  // Flows in order of demand: the next one to be satisfied is always the first still active.
  const byDemand = flows.map((_, i) => i).filter((i) => !frozen[i]).sort((a, b) => flows[a]!.demandMbps - flows[b]!.demandMbps);
  let next = 0;
  for (;;) {
    while (next < byDemand.length && frozen[byDemand[next]!]) next++;
    if (next >= byDemand.length) break;
    // The water level at which the tightest link fills, given what is frozen so far.
    let fullLink: LinkState | undefined;
    let fullLevel = Infinity;
    for (const l of links.values()) {
      if (l.active <= 0) continue;
      // Active flows all sit at the water level, so the link fills when its remaining capacity is shared out.
      const level = l.remainingMbps / l.active;
      if (level < fullLevel) {
        fullLevel = level;
        fullLink = l;
      }
    }
    const candidate = byDemand[next]!;
    if (flows[candidate]!.demandMbps <= fullLevel + EPSILON || !fullLink) {
      freeze(candidate, flows[candidate]!.demandMbps);
    } else {
      for (const i of fullLink.flows) if (!frozen[i]) freeze(i, Math.max(0, fullLevel));
    }
  }
  return rates;
}
