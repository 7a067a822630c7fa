// Max-min fair rates of every flow in the simulated world, computed NIC direction by NIC
// direction. Flows on different NIC directions never compete unless a migration stream joins
// them (it leaves its source's tx and enters its destination's rx), so:
// - a NIC direction no migration crosses is shared by its own background and VM traffic only,
//   which changes when a VM arrives, leaves or pauses there: its rates are kept until then;
// - NIC directions joined by migration streams are filled together.
// Each group gets its flows in the order one world-wide fill would see them (background per host
// in host order, tx before rx; then VM traffic in VM order; then migrations), so the rates are
// bit for bit those of allocateMaxMinFair over the whole world, at a fraction of the cost at
// fleet size (1,000 VMs, 16 migrations: the world-wide fill scanned ~100 links for ~2,000 flows
// after every change).
import { allocateMaxMinFair, type FlowDemand } from './max-min-fair.ts';

export interface SharingHost {
  name: string;
  nicMbps: number;
  backgroundTxMbps: number;
  backgroundRxMbps: number;
}

export interface SharingVm {
  host: string;
  /** Only a running VM sends and receives. */
  running: boolean;
  txMbps: number;
  rxMbps: number;
}

export interface SharingTransfer {
  from: string;
  to: string;
  demandMbps: number;
}

export interface SharedRates {
  /** Per host (in the order given): achieved background rates. */
  backgroundTxMbps: number[];
  backgroundRxMbps: number[];
  /** Per VM (in the order given); 0 for a VM that is not running. */
  vmTxMbps: number[];
  vmRxMbps: number[];
  /** Per transfer (in the order given). */
  transferMbps: number[];
}

interface LinkCache {
  demandsMbps: number[];
  ratesMbps: number[];
}

/** Link index: 2 × host index for its NIC's tx, + 1 for its rx. */
const txLink = (host: number): number => 2 * host;
const rxLink = (host: number): number => 2 * host + 1;

export class NicSharing {
  private readonly hostIndex = new Map<string, number>();
  private readonly linkNames: string[] = [];
  private readonly capacityMbps = new Map<string, number>();
  /** Last fill of each NIC direction that no migration crossed. */
  private readonly quietLinks = new Map<number, LinkCache>();

  constructor(private readonly hosts: readonly SharingHost[]) {
    hosts.forEach((h, i) => {
      this.hostIndex.set(h.name, i);
      this.linkNames.push(`${h.name}:tx`, `${h.name}:rx`);
      this.capacityMbps.set(`${h.name}:tx`, h.nicMbps);
      this.capacityMbps.set(`${h.name}:rx`, h.nicMbps);
    });
  }

  allocate(vms: readonly SharingVm[], transfers: readonly SharingTransfer[]): SharedRates {
    const linkCount = 2 * this.hosts.length;
    const rates: SharedRates = {
      backgroundTxMbps: this.hosts.map(() => 0),
      backgroundRxMbps: this.hosts.map(() => 0),
      vmTxMbps: vms.map(() => 0),
      vmRxMbps: vms.map(() => 0),
      transferMbps: transfers.map(() => 0),
    };
    // VMs per link, in VM order.
    const vmsOnLink: number[][] = Array.from({ length: linkCount }, () => []);
    vms.forEach((vm, v) => {
      if (!vm.running) return;
      const h = this.host(vm.host);
      vmsOnLink[txLink(h)]!.push(v);
      vmsOnLink[rxLink(h)]!.push(v);
    });

    // Links joined by migration streams, as a union-find forest.
    const parent = Array.from({ length: linkCount }, (_, i) => i);
    const crossed = new Array<boolean>(linkCount).fill(false);
    const root = (l: number): number => {
      while (parent[l] !== l) l = parent[l] = parent[parent[l]!]!;
      return l;
    };
    const transferLinks = transfers.map((t) => [txLink(this.host(t.from)), rxLink(this.host(t.to))] as const);
    for (const [a, b] of transferLinks) {
      crossed[a] = crossed[b] = true;
      const ra = root(a);
      const rb = root(b);
      // The smaller index as root keeps each group's links in world order when collected below.
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }

    const joined = new Map<number, number[]>();
    for (let l = 0; l < linkCount; l++) {
      if (crossed[l]) {
        const r = root(l);
        const links = joined.get(r);
        if (links) links.push(l);
        else joined.set(r, [l]);
        this.quietLinks.delete(l);
      } else {
        this.fillQuietLink(l, vms, vmsOnLink[l]!, rates);
      }
    }
    for (const links of joined.values()) this.fillJoined(links, vms, vmsOnLink, transfers, transferLinks, rates);
    return rates;
  }

  private host(name: string): number {
    const h = this.hostIndex.get(name);
    if (h === undefined) throw new Error(`sim: no host ${name}`);
    return h;
  }

  private background(link: number): number {
    const h = this.hosts[link >> 1]!;
    return link % 2 === 0 ? h.backgroundTxMbps : h.backgroundRxMbps;
  }

  private setBackground(link: number, rate: number, rates: SharedRates): void {
    (link % 2 === 0 ? rates.backgroundTxMbps : rates.backgroundRxMbps)[link >> 1] = rate;
  }

  private vmDemand(vm: SharingVm, link: number): number {
    return link % 2 === 0 ? vm.txMbps : vm.rxMbps;
  }

  private setVm(v: number, link: number, rate: number, rates: SharedRates): void {
    (link % 2 === 0 ? rates.vmTxMbps : rates.vmRxMbps)[v] = rate;
  }

  /** One NIC direction shared by its background and its VMs; refilled only when their demands change. */
  private fillQuietLink(link: number, vms: readonly SharingVm[], onLink: number[], rates: SharedRates): void {
    const demands = [this.background(link), ...onLink.map((v) => this.vmDemand(vms[v]!, link))];
    let cache = this.quietLinks.get(link);
    if (!cache || !sameNumbers(cache.demandsMbps, demands)) {
      const name = this.linkNames[link]!;
      const ratesMbps = allocateMaxMinFair(
        demands.map((demandMbps) => ({ demandMbps, links: [name] })),
        this.capacityMbps,
      );
      this.quietLinks.set(link, (cache = { demandsMbps: demands, ratesMbps }));
    }
    this.setBackground(link, cache.ratesMbps[0]!, rates);
    onLink.forEach((v, k) => this.setVm(v, link, cache.ratesMbps[k + 1]!, rates));
  }

  /** NIC directions joined by migration streams, with every flow on them, filled together. */
  private fillJoined(
    links: number[],
    vms: readonly SharingVm[],
    vmsOnLink: number[][],
    transfers: readonly SharingTransfer[],
    transferLinks: ReadonlyArray<readonly [number, number]>,
    rates: SharedRates,
  ): void {
    const flows: FlowDemand[] = [];
    const owners: Array<(rate: number) => void> = [];
    for (const l of links) {
      flows.push({ demandMbps: this.background(l), links: [this.linkNames[l]!] });
      owners.push((rate) => this.setBackground(l, rate, rates));
    }
    // A VM's tx flow, then its rx flow, in VM order: world order.
    const inGroup = new Set(links);
    const groupVms = [...new Set(links.flatMap((l) => vmsOnLink[l]!))].sort((a, b) => a - b);
    for (const v of groupVms) {
      const h = this.host(vms[v]!.host);
      for (const l of [txLink(h), rxLink(h)]) {
        if (!inGroup.has(l)) continue;
        flows.push({ demandMbps: this.vmDemand(vms[v]!, l), links: [this.linkNames[l]!] });
        owners.push((rate) => this.setVm(v, l, rate, rates));
      }
    }
    transfers.forEach((t, i) => {
      const [from, to] = transferLinks[i]!;
      if (!inGroup.has(from)) return;
      flows.push({ demandMbps: t.demandMbps, links: [this.linkNames[from]!, this.linkNames[to]!] });
      owners.push((rate) => (rates.transferMbps[i] = rate));
    });
    allocateMaxMinFair(flows, this.capacityMbps).forEach((rate, k) => owners[k]!(rate));
  }
}

function sameNumbers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}
