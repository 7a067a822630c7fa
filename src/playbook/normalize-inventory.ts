// Raw inventory (as written, snake_case, defaults apart) → InventoryHost records with defaults applied.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RawInventory } from './playbook-schema.ts';
import type { Inventory, InventoryHost, SimVmSpec } from './types.ts';
import { parseDurationMs } from '../util/duration.ts';

type RawHost = NonNullable<RawInventory['defaults']> & { vms?: Record<string, RawSimVm> };
type RawSimVm = { memory_mib: number; vcpus?: number; tx_mbps?: number; rx_mbps?: number; dirty_mib_per_s?: number; fail_migrations?: number };

export const HOST_DEFAULTS = {
  nicMbps: 1000,
  port: 22,
  user: 'root',
  libvirtUri: 'qemu:///system',
  hostKeyChecking: true,
  connectTimeoutMs: 10_000,
} as const;

export function normalizeInventory(raw: RawInventory): Inventory {
  const defaults: RawHost = raw.defaults ?? {};
  const hosts = Object.entries(raw.hosts as Record<string, RawHost>).map(([name, own]) => normalizeHost(name, { ...defaults, ...own }));
  const f = raw.sim?.faults ?? {};
  return {
    driver: raw.driver ?? 'ssh',
    hosts,
    simNoise: raw.sim?.noise ?? 0,
    simSeed: raw.sim?.seed ?? 1,
    simFaults: {
      migrationFailureRate: f.migration_failure_rate ?? 0,
      linkCutRate: f.link_cut_rate ?? 0,
      linkOutageMs: f.link_outage === undefined ? 20_000 : parseDurationMs(f.link_outage),
      hostOutageRate: f.host_outage_rate ?? 0,
      hostOutageMs: f.host_outage === undefined ? 60_000 : parseDurationMs(f.host_outage),
    },
  };
}

function normalizeHost(name: string, h: RawHost): InventoryHost {
  return {
    name,
    nicMbps: h.nic_mbps ?? HOST_DEFAULTS.nicMbps,
    memoryMib: h.memory_mib,
    vcpus: h.vcpus,
    address: h.address ?? name,
    port: h.port ?? HOST_DEFAULTS.port,
    user: h.user ?? HOST_DEFAULTS.user,
    identityFile: expandHome(h.identity_file),
    knownHostsFile: expandHome(h.known_hosts),
    hostKeyChecking: h.host_key_checking ?? HOST_DEFAULTS.hostKeyChecking,
    libvirtUri: h.libvirt_uri ?? HOST_DEFAULTS.libvirtUri,
    nic: h.nic,
    migrationAddress: h.migration_address ?? name,
    connectTimeoutMs: h.connect_timeout === undefined ? HOST_DEFAULTS.connectTimeoutMs : parseDurationMs(h.connect_timeout),
    background: { txMbps: h.background?.tx_mbps ?? 0, rxMbps: h.background?.rx_mbps ?? 0 },
    simVms: Object.entries(h.vms ?? {}).map(([vmName, vm]) => normalizeSimVm(vmName, vm)),
  };
}

/** `~/.ssh/id_ed25519` as ssh would read it. */
function expandHome(path: string | undefined): string | undefined {
  return path?.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

function normalizeSimVm(name: string, vm: RawSimVm): SimVmSpec {
  return {
    name,
    memoryMib: vm.memory_mib,
    vcpus: vm.vcpus ?? 1,
    txMbps: vm.tx_mbps ?? 0,
    rxMbps: vm.rx_mbps ?? 0,
    dirtyMibPerS: vm.dirty_mib_per_s ?? 0,
    failMigrations: vm.fail_migrations ?? 0,
  };
}
