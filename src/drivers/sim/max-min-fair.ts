// Max-min fair sharing of link capacity by progressive filling: every flow's rate grows at the
// same pace (a common water level) until it reaches its demand or a link it crosses is full.
// Flows that share no link (directly or through other flows) cannot affect each other, so each
// connected group of links is filled on its own: at fleet size (a thousand VMs, each on one NIC,
// a few migrations joining two NICs) the groups are small and the work stays near linear.
// Within a group each step freezes at least one flow or fills one link: O((flows + links) · links).
// Filling group by group performs, on every link, the same operations in the same order as
// filling everything at once, so the rates are bit for bit the same.

export interface FlowDemand {
  /** Upper bound on the flow's rate (an application never sends more than it wants). */
  demandMbps: number;
  /** Links the flow crosses, e.g. "hostA:tx", "hostB:rx". */
  links: string[];
}

const EPSILON = 1e-9;

interface LinkState {
  remainingMbps: number;
  active: number;
  flows: number[];
}

export function allocateMaxMinFair(flows: FlowDemand[], capacityMbps: ReadonlyMap<string, number>): number[] {
  const rates = flows.map(() => 0);
  for (const group of connectedFlowGroups(flows)) fillGroup(flows, group, capacityMbps, rates);
  return rates;
}

/** Flow indices grouped by the connected set of links they cross, each group in flow order. */
function connectedFlowGroups(flows: FlowDemand[]): number[][] {
  const linkIds = new Map<string, number>();
  const parent: number[] = [];
  const idOf = (name: string): number => {
    let id = linkIds.get(name);
    if (id === undefined) {
      id = parent.length;
      parent.push(id);
      linkIds.set(name, id);
    }
    return id;
  };
  const root = (id: number): number => {
    let r = id;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[id] !== r) {
      const up = parent[id]!;
      parent[id] = r;
      id = up;
    }
    return r;
  };
  const firstLink = flows.map((f) => {
    if (f.links.length === 0) return -1;
    const first = idOf(f.links[0]!);
    for (let k = 1; k < f.links.length; k++) {
      const a = root(first);
      const b = root(idOf(f.links[k]!));
      if (a !== b) parent[b] = a;
    }
    return first;
  });
  const groups = new Map<number, number[]>();
  firstLink.forEach((link, i) => {
    const key = link < 0 ? -1 : root(link);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(i);
  });
  return [...groups.values()];
}

/** Progressive filling of the flows in `group` (which share links with no flow outside it). */
function fillGroup(flows: FlowDemand[], group: number[], capacityMbps: ReadonlyMap<string, number>, rates: number[]): void {
  const frozen = new Map<number, boolean>();
  const links = new Map<string, LinkState>();
  const linkOf = (name: string): LinkState => {
    let l = links.get(name);
    if (!l) links.set(name, (l = { remainingMbps: capacityMbps.get(name) ?? 0, active: 0, flows: [] }));
    return l;
  };
  for (const i of group) {
    const f = flows[i]!;
    const states = f.links.map(linkOf);
    if (f.demandMbps <= EPSILON || states.some((l) => l.remainingMbps <= EPSILON)) {
      frozen.set(i, true);
      continue;
    }
    frozen.set(i, false);
    for (const l of states) {
      l.active += 1;
      l.flows.push(i);
    }
  }

  const freeze = (i: number, rate: number): void => {
    frozen.set(i, true);
    rates[i] = rate;
    for (const name of flows[i]!.links) {
      const l = links.get(name)!;
      l.remainingMbps -= rate;
      l.active -= 1;
    }
  };

  // Flows in order of demand: the next one to be satisfied is always the first still active.
  const byDemand = group.filter((i) => !frozen.get(i)).sort((a, b) => flows[a]!.demandMbps - flows[b]!.demandMbps);
  let next = 0;
  for (;;) {
    while (next < byDemand.length && frozen.get(byDemand[next]!)) next++;
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
      for (const i of fullLink.flows) if (!frozen.get(i)) freeze(i, Math.max(0, fullLevel));
    }
  }
}
