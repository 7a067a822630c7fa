// Builds sim inventories in code, for tests that need exact hand-computed numbers.
import type { Inventory, InventoryHost, SimFaults, SimVmSpec } from '../../src/playbook/types.ts';

export function simVm(name: string, over: Partial<SimVmSpec> = {}): SimVmSpec {
  return { name, memoryMib: 1024, vcpus: 1, txMbps: 0, rxMbps: 0, dirtyMibPerS: 0, failMigrations: 0, ...over };
}

export function simHost(name: string, vms: SimVmSpec[] = [], over: Partial<InventoryHost> = {}): InventoryHost {
  return {
    name,
    nicMbps: 1000,
    address: name,
    port: 22,
    user: 'root',
    hostKeyChecking: true,
    libvirtUri: 'qemu:///system',
    migrationAddress: name,
    connectTimeoutMs: 1000,
    background: { txMbps: 0, rxMbps: 0 },
    simVms: vms,
    ...over,
  };
}

export const NO_FAULTS: SimFaults = { migrationFailureRate: 0, linkCutRate: 0, linkOutageMs: 20_000, hostOutageRate: 0, hostOutageMs: 60_000 };

export function simInventory(hosts: InventoryHost[], noise = 0, faults: Partial<SimFaults> = {}): Inventory {
  return { driver: 'sim', hosts, simNoise: noise, simSeed: 7, simFaults: { ...NO_FAULTS, ...faults } };
}
