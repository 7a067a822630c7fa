// The seed's contention model, in one place: the planner, the brute force and the reports all use it.
import type { HostContention, HostTraffic, MigrationMode, PlanInput, VmTraffic } from './types.ts';

export interface MigrationInFlight {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
}

/**
 * Per-host contention while `inFlight` migrations run together; every other VM counts where it
 * runs (`vms[].host`). Source side: background TX + TX of resident VMs + TX of VMs leaving by
 * pre-copy (they keep running on the source). Destination side: background RX + RX of resident
 * VMs + RX of VMs arriving by post-copy (they already run on the destination).
 */
export function hostContention(hosts: readonly HostTraffic[], vms: readonly VmTraffic[], inFlight: readonly MigrationInFlight[]): HostContention[] {
  const byHost = new Map<string, HostContention>();
  for (const h of hosts) byHost.set(h.host, { host: h.host, sourceMbps: h.backgroundTxMbps, destinationMbps: h.backgroundRxMbps });
  const side = (host: string): HostContention => {
    const found = byHost.get(host);
    if (!found) throw new Error(`contention: unknown host ${host}`);
    return found;
  };
  const moving = new Set(inFlight.map((m) => m.vm));
  const vmByName = new Map(vms.map((v) => [v.vm, v]));
  for (const v of vms) {
    if (moving.has(v.vm)) continue;
    side(v.host).sourceMbps += v.txMbps;
    side(v.host).destinationMbps += v.rxMbps;
  }
  for (const m of inFlight) {
    const v = vmByName.get(m.vm);
    if (!v) throw new Error(`contention: unknown VM ${m.vm}`);
    if (m.mode === 'pre-copy') side(m.from).sourceMbps += v.txMbps;
    else side(m.to).destinationMbps += v.rxMbps;
  }
  return [...byHost.values()];
}

export function maxContentionMbps(hosts: readonly HostContention[]): number {
  let max = 0;
  for (const h of hosts) max = Math.max(max, h.sourceMbps, h.destinationMbps);
  return max;
}

/** Before planning, as nothing moves: every VM's traffic where it runs now. */
export function contentionOfCurrentPlacement(input: Pick<PlanInput, 'hosts' | 'vms'>): HostContention[] {
  return hostContention(input.hosts, input.vms, []);
}

/** Before planning, as the seed's baseline: every move pre-copy to its first candidate. */
export function contentionWithAllPreCopy(input: Pick<PlanInput, 'hosts' | 'vms' | 'moves'>): HostContention[] {
  const inFlight = input.moves.map((m) => ({ vm: m.vm, from: m.from, to: m.to[0] ?? m.from, mode: 'pre-copy' as const }));
  return hostContention(input.hosts, input.vms, inFlight);
}
