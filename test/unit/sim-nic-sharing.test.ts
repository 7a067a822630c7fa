import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateMaxMinFair, type FlowDemand } from '../../src/drivers/sim/max-min-fair.ts';
import { NicSharing, type SharingHost, type SharingTransfer, type SharingVm } from '../../src/drivers/sim/nic-sharing.ts';
import { createRandom } from '../../src/util/random.ts';
import { worldWideMaxMinFair } from '../helpers/max-min-fair-oracle.ts';

/** Demands with ties, zeros and unlimited flows: where an order of operations could show. */
function demand(random: () => number): number {
  const r = random();
  if (r < 0.1) return 0;
  if (r < 0.25) return Infinity;
  if (r < 0.5) return [100, 250, 333.3][Math.floor(random() * 3)]!;
  return random() * 1200;
}

test('filling connected groups of links one by one gives, bit for bit, the world-wide progressive filling', () => {
  const random = createRandom(12);
  for (let round = 0; round < 300; round++) {
    const linkCount = 1 + Math.floor(random() * 12);
    const capacity = new Map(Array.from({ length: linkCount }, (_, l) => [`L${l}`, random() < 0.05 ? 0 : [1000, 10_000, 777][l % 3]!] as const));
    const flows: FlowDemand[] = Array.from({ length: Math.floor(random() * 40) }, () => {
      const span = random() < 0.7 ? 1 : random() < 0.8 ? 2 : 3;
      const links = [...new Set(Array.from({ length: span }, () => `L${Math.floor(random() * linkCount)}`))];
      return { demandMbps: demand(random), links: random() < 0.02 ? [] : links };
    });
    const grouped = allocateMaxMinFair(flows, capacity);
    const worldWide = worldWideMaxMinFair(flows, capacity);
    assert.ok(
      grouped.every((r, i) => Object.is(r, worldWide[i])),
      `round ${round}: ${JSON.stringify(grouped)} vs ${JSON.stringify(worldWide)}`,
    );
  }
});

/** The sim world's flows in world order, as SimWorld built them before NicSharing. */
function worldFlows(hosts: SharingHost[], vms: SharingVm[], transfers: SharingTransfer[]): { flows: FlowDemand[]; capacity: Map<string, number> } {
  const flows: FlowDemand[] = [];
  const capacity = new Map<string, number>();
  for (const h of hosts) {
    capacity.set(`${h.name}:tx`, h.nicMbps);
    capacity.set(`${h.name}:rx`, h.nicMbps);
    flows.push({ demandMbps: h.backgroundTxMbps, links: [`${h.name}:tx`] }, { demandMbps: h.backgroundRxMbps, links: [`${h.name}:rx`] });
  }
  for (const vm of vms) {
    if (vm.running) flows.push({ demandMbps: vm.txMbps, links: [`${vm.host}:tx`] }, { demandMbps: vm.rxMbps, links: [`${vm.host}:rx`] });
  }
  for (const t of transfers) flows.push({ demandMbps: t.demandMbps, links: [`${t.from}:tx`, `${t.to}:rx`] });
  return { flows, capacity };
}

test('the sim NICs shared group by group, with unchanged NICs reused, equal the world-wide filling bit for bit', () => {
  const random = createRandom(7);
  for (let world = 0; world < 12; world++) {
    const hosts: SharingHost[] = Array.from({ length: 2 + Math.floor(random() * 8) }, (_, i) => ({
      name: `h${i}`,
      nicMbps: random() < 0.5 ? 1000 : 10_000,
      backgroundTxMbps: demand(random),
      backgroundRxMbps: demand(random),
    }));
    const hostName = (): string => hosts[Math.floor(random() * hosts.length)]!.name;
    const vms: SharingVm[] = Array.from({ length: Math.floor(random() * 40) }, () => ({ host: hostName(), running: true, txMbps: demand(random), rxMbps: demand(random) }));
    const sharing = new NicSharing(hosts);
    let transfers: SharingTransfer[] = [];
    // A run: VMs pause, move and resume, migrations come and go; the cache must follow.
    for (let step = 0; step < 30; step++) {
      const vm = vms[Math.floor(random() * vms.length)];
      if (vm && random() < 0.5) vm.running = !vm.running;
      if (vm && random() < 0.3) vm.host = hostName();
      if (random() < 0.5) {
        const from = hostName();
        const to = hostName();
        if (from !== to) transfers.push({ from, to, demandMbps: random() < 0.7 ? Infinity : demand(random) });
      } else {
        transfers = transfers.filter(() => random() < 0.7);
      }
      const rates = sharing.allocate(vms, transfers);
      const { flows, capacity } = worldFlows(hosts, vms, transfers);
      const expected = worldWideMaxMinFair(flows, capacity);
      const actual = [
        ...hosts.flatMap((_, i) => [rates.backgroundTxMbps[i]!, rates.backgroundRxMbps[i]!]),
        ...vms.flatMap((v, i) => (v.running ? [rates.vmTxMbps[i]!, rates.vmRxMbps[i]!] : [])),
        ...rates.transferMbps,
      ];
      assert.equal(actual.length, expected.length);
      assert.ok(
        actual.every((r, i) => Object.is(r, expected[i])),
        `world ${world} step ${step}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`,
      );
      assert.ok(vms.every((v, i) => v.running || (rates.vmTxMbps[i] === 0 && rates.vmRxMbps[i] === 0)), 'a VM that does not run sends nothing');
    }
  }
});
