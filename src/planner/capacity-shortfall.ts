// Explains a capacity refusal: which VMs, which hosts, how much is missing.
import type { FixedPart } from './decompose.ts';
import { PlanInfeasibleError } from './plan-infeasible-error.ts';
import type { PlanningProblem } from './problem.ts';

const describeFree = (mib: number, vcpus: number): string =>
  [Number.isFinite(mib) ? `${Math.max(0, mib)} MiB` : undefined, Number.isFinite(vcpus) ? `${Math.max(0, vcpus)} vCPUs` : undefined].filter(Boolean).join(' / ') || 'unlimited';

/** " for the migrations at FILE:LINE:COL, …": the playbook rules the refused moves came from. */
function migrationsAt(origins: readonly string[]): string {
  const unique = [...new Set(origins)];
  return unique.length === 0 ? '' : ` for the migration${unique.length > 1 ? 's' : ''} at ${unique.join(', ')}`;
}

/** Hosts whose fixed arrivals (or residents) already exceed their capacity. */
export function assertFixedCapacity(problem: PlanningProblem, fixed: FixedPart): void {
  const problems: string[] = [];
  const hosts: string[] = [];
  const origins: string[] = [];
  problem.hostNames.forEach((host, h) => {
    const memoryShortMib = -fixed.freeMemoryMib[h]!;
    const vcpusShort = -fixed.freeVcpus[h]!;
    if (memoryShortMib <= 1e-9 && vcpusShort <= 1e-9) return;
    const arrivingItems = problem.items.filter((it) => !it.variableDestination && it.options[0]!.destination === h);
    const arriving = arrivingItems.map((it) => it.vm.vm);
    origins.push(...arrivingItems.flatMap((it) => (it.move.origin ? [it.move.origin] : [])));
    const short = [memoryShortMib > 1e-9 ? `${memoryShortMib} MiB memory` : '', vcpusShort > 1e-9 ? `${vcpusShort} vCPUs` : ''].filter(Boolean).join(' and ');
    hosts.push(host);
    problems.push(`${host} is short of ${short} for ${arriving.length > 0 ? arriving.join(', ') : 'the VMs it runs'}`);
  });
  if (problems.length > 0) throw new PlanInfeasibleError(`not enough capacity${migrationsAt(origins)}: ${problems.join('; ')}`, hosts);
}

/** A component whose VMs cannot be packed onto their candidate destinations. */
export function componentCapacityError(problem: PlanningProblem, fixed: FixedPart, items: readonly number[]): PlanInfeasibleError {
  const vms = items.map((i) => problem.items[i]!.vm);
  const hostIds = [...new Set(items.flatMap((i) => problem.items[i]!.options.map((o) => o.destination)))];
  const needMib = vms.reduce((s, v) => s + v.memoryMib, 0);
  const needVcpus = vms.reduce((s, v) => s + (v.vcpus ?? 0), 0);
  const freeMib = hostIds.reduce((s, h) => s + Math.max(0, fixed.freeMemoryMib[h]!), 0);
  const freeVcpus = hostIds.reduce((s, h) => s + Math.max(0, fixed.freeVcpus[h]!), 0);
  const shortfall = [needMib > freeMib ? `${needMib - freeMib} MiB memory` : '', needVcpus > freeVcpus ? `${needVcpus - freeVcpus} vCPUs` : ''].filter(Boolean).join(' and ');
  const free = hostIds.map((h) => `${problem.hostNames[h]} ${describeFree(fixed.freeMemoryMib[h]!, fixed.freeVcpus[h]!)}`).join(', ');
  const names = vms.map((v) => v.vm).join(', ');
  const why = shortfall ? `shortfall ${shortfall}` : 'the VMs do not pack onto the hosts (no host has room for the rest)';
  return new PlanInfeasibleError(
    `not enough capacity${migrationsAt(items.flatMap((i) => (problem.items[i]!.move.origin ? [problem.items[i]!.move.origin!] : [])))}: ${names} need ${needMib} MiB / ${needVcpus} vCPUs; free on ${free}; ${why}`,
    hostIds.map((h) => problem.hostNames[h]!),
    vms.map((v) => v.vm),
  );
}
