// Before any search: can the destinations hold what must move at all? Three relaxations of the
// packing, each a max-flow from the moves to their candidate hosts — memory, vCPUs, and a count
// (each host holds at most as many of its candidates as fit together, smallest first). When one
// cannot route everything the drain is refused at once; the minimum cut names the moves and the
// hosts that are short, and by how much. Passing them is necessary, not sufficient: the solver
// still packs for real.
import type { FixedPart } from './decompose.ts';
import { FlowNetwork } from './max-flow.ts';
import { PlanInfeasibleError } from './plan-infeasible-error.ts';
import type { PlanningProblem } from './problem.ts';

const EPSILON = 1e-6;

interface Relaxation {
  unit: string;
  demand: (item: number) => number;
  room: (host: number, candidates: readonly number[]) => number;
}

export function assertMovesFit(problem: PlanningProblem, fixed: FixedPart): void {
  const items = problem.items.flatMap((it, i) => (it.variableDestination ? [i] : []));
  if (items.length === 0) return;
  const memoryOf = (i: number) => problem.items[i]!.vm.memoryMib;
  const vcpusOf = (i: number) => problem.items[i]!.vm.vcpus ?? 0;
  const freeMib = (h: number) => Math.max(0, fixed.freeMemoryMib[h]!);
  const freeVcpus = (h: number) => Math.max(0, fixed.freeVcpus[h]!);
  // A move may go to a host only if it fits there alone.
  const candidatesOf = new Map(
    items.map((i) => [i, [...new Set(problem.items[i]!.options.map((o) => o.destination))].filter((h) => memoryOf(i) <= freeMib(h) + EPSILON && vcpusOf(i) <= freeVcpus(h) + EPSILON)]),
  );
  const homeless = items.filter((i) => candidatesOf.get(i)!.length === 0);
  if (homeless.length > 0) throw homelessError(problem, fixed, homeless);

  const countThatFits = (h: number, candidates: readonly number[]): number => {
    if (!Number.isFinite(freeMib(h)) && !Number.isFinite(freeVcpus(h))) return Infinity;
    const fit = (need: (i: number) => number, free: number): number => {
      let used = 0;
      let count = 0;
      for (const x of candidates.map(need).sort((a, b) => a - b)) {
        if (used + x > free + EPSILON) break;
        used += x;
        count++;
      }
      return count;
    };
    return Math.min(fit(memoryOf, freeMib(h)), fit(vcpusOf, freeVcpus(h)));
  };
  const relaxations: Relaxation[] = [
    { unit: 'MiB', demand: memoryOf, room: freeMib },
    { unit: 'vCPUs', demand: vcpusOf, room: freeVcpus },
    { unit: 'VMs', demand: () => 1, room: countThatFits },
  ];
  for (const r of relaxations) checkRelaxation(problem, items, candidatesOf, r);
}

function checkRelaxation(problem: PlanningProblem, items: readonly number[], candidatesOf: ReadonlyMap<number, number[]>, r: Relaxation): void {
  const hosts = [...new Set(items.flatMap((i) => candidatesOf.get(i)!))];
  const arrivalsOf = new Map<number, number[]>(hosts.map((h) => [h, []]));
  for (const i of items) for (const h of candidatesOf.get(i)!) arrivalsOf.get(h)!.push(i);
  const room = new Map(hosts.map((h) => [h, r.room(h, arrivalsOf.get(h)!)]));
  // Every move able to reach every host (a drain to `any`): the flow is the lesser of the totals.
  if (hosts.every((h) => arrivalsOf.get(h)!.length === items.length)) {
    let demand = 0;
    let free = 0;
    for (const i of items) demand += r.demand(i);
    for (const h of hosts) free += room.get(h)!;
    if (demand <= free + EPSILON) return;
  }
  const hostNode = new Map(hosts.map((h, k) => [h, 1 + items.length + k]));
  const sink = 1 + items.length + hosts.length;
  const network = new FlowNetwork(sink + 1);
  let demand = 0;
  items.forEach((i, k) => {
    network.addEdge(0, 1 + k, r.demand(i));
    demand += r.demand(i);
    for (const h of candidatesOf.get(i)!) network.addEdge(1 + k, hostNode.get(h)!, Infinity);
  });
  for (const h of hosts) network.addEdge(hostNode.get(h)!, sink, room.get(h)!);
  const routed = network.maxFlow(0, sink);
  if (routed >= demand - EPSILON) return;

  // The cut: moves the flow could not finish placing, and the hosts they can reach (all full).
  const reached = network.reachable(0);
  const shortItems = items.filter((_, k) => reached[1 + k]);
  const shortHosts = hosts.filter((h) => reached[hostNode.get(h)!]);
  const need = shortItems.reduce((s, i) => s + r.demand(i), 0);
  const free = shortHosts.reduce((s, h) => s + room.get(h)!, 0);
  const amount = (x: number) => `${Number(x.toFixed(1))} ${r.unit}`;
  const vms = shortItems.map((i) => problem.items[i]!.vm.vm);
  const origins = [...new Set(shortItems.map((i) => problem.items[i]!.move.origin).filter((o) => o !== undefined))];
  const where = shortHosts.map((h) => `${problem.hostNames[h]} ${amount(room.get(h)!)}`).join(', ');
  const what = r.unit === 'VMs' ? `room for ${vms.length} VMs; together they fit ${amount(free)}` : `${amount(need)}${r.unit === 'MiB' ? ' of memory' : ''}; they have ${amount(free)} free`;
  throw new PlanInfeasibleError(
    `not enough capacity${origins.length > 0 ? ` for the migrations at ${origins.join(', ')}` : ''}: ${listed(vms)} can go only to ${where} (short: ${shortHosts.map((h) => problem.hostNames[h]!).join(', ')}), ` +
      `which need ${what}; short by ${amount(need - free)}`,
    shortHosts.map((h) => problem.hostNames[h]!),
    vms,
  );
}

function homelessError(problem: PlanningProblem, fixed: FixedPart, homeless: readonly number[]): PlanInfeasibleError {
  const it = problem.items[homeless[0]!]!;
  const hosts = [...new Set(it.options.map((o) => o.destination))];
  const free = hosts
    .slice(0, 8)
    .map((h) => `${problem.hostNames[h]} ${[fixed.freeMemoryMib[h]!, fixed.freeVcpus[h]!].flatMap((x, i) => (Number.isFinite(x) ? [`${Math.max(0, x)} ${i === 0 ? 'MiB' : 'vCPUs'}`] : [])).join(' / ')}`)
    .join(', ') + (hosts.length > 8 ? ` and ${hosts.length - 8} more` : '');
  const others = homeless.length > 1 ? ` (and ${homeless.length - 1} more VMs likewise)` : '';
  return new PlanInfeasibleError(
    `not enough capacity${it.move.origin ? ` for the migration at ${it.move.origin}` : ''}: VM ${it.vm.vm} needs ${it.vm.memoryMib} MiB / ${it.vm.vcpus ?? 0} vCPUs and no candidate host has that much free (${free})${others}`,
    hosts.map((h) => problem.hostNames[h]!),
    homeless.map((i) => problem.items[i]!.vm.vm),
  );
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `VMs ${shown} and ${names.length - 8} more` : `VM${names.length > 1 ? 's' : ''} ${shown}`;
}
