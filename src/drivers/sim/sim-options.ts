// The simulator's inventory keys, declared beside the driver that reads them: each host's VMs
// and background traffic, and the inventory's `sim:` block (noise, seed, faults). The playbook
// loader composes every driver's declarations (src/drivers/driver-options.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { BOUNDS, duration, HOUR_MS, mbps, memoryMib, name, vcpus } from '../../playbook/schema-fragments.ts';
import { parseDurationMs } from '../../util/duration.ts';
import type { DriverOptionsDeclaration } from '../driver-options-declaration.ts';

const simVm = {
  type: 'object',
  additionalProperties: false,
  required: ['memory_mib'],
  properties: {
    memory_mib: memoryMib,
    vcpus,
    tx_mbps: mbps,
    rx_mbps: mbps,
    dirty_mib_per_s: { type: 'number', minimum: 0, maximum: BOUNDS.maxDirtyMibPerS },
    fail_migrations: { type: 'integer', minimum: 0, maximum: BOUNDS.maxFailMigrations, description: 'sim: the first N migration attempts fail.' },
  },
} as const;

const simHostProperties = {
  background: {
    type: 'object',
    additionalProperties: false,
    properties: { tx_mbps: mbps, rx_mbps: mbps },
    description: 'sim: non-VM traffic on the NIC.',
  },
} as const;

const simHostOnlyProperties = {
  vms: { type: 'object', propertyNames: name, additionalProperties: simVm, description: 'sim: VMs running there now.' },
} as const;

const simInventoryProperties = {
  sim: {
    type: 'object',
    additionalProperties: false,
    properties: {
      noise: { type: 'number', minimum: 0, maximum: 1, description: 'Relative noise on measured rates.' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
      faults: {
        type: 'object',
        additionalProperties: false,
        description: 'Random faults, for rehearsing failure handling.',
        properties: {
          migration_failure_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of attempts that fail before any switch.' },
          link_cut_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of attempts during which the link drops.' },
          link_outage: duration,
          host_outage_rate: { type: 'number', minimum: 0, maximum: 1, description: 'Share of hosts whose libvirt is down for a while.' },
          host_outage: duration,
        },
      },
    },
  },
} as const;

type RawSimHost = FromSchema<{ type: 'object'; properties: typeof simHostProperties & typeof simHostOnlyProperties }>;
type RawSimInventory = FromSchema<{ type: 'object'; properties: typeof simInventoryProperties }>;
type RawSimVm = FromSchema<typeof simVm>;

/** A VM declared in a sim inventory (the sim's ground truth). */
export interface SimVmSpec {
  name: string;
  memoryMib: number;
  vcpus: number;
  txMbps: number;
  rxMbps: number;
  dirtyMibPerS: number;
  /** Fault injection: the first N migration attempts of this VM fail. */
  failMigrations: number;
}

/** Random faults the simulator injects (rates are probabilities in 0..1). */
export interface SimFaults {
  migrationFailureRate: number;
  linkCutRate: number;
  linkOutageMs: number;
  hostOutageRate: number;
  hostOutageMs: number;
}

/** A host as the simulator sees it. */
export interface SimHostOptions {
  background: { txMbps: number; rxMbps: number };
  simVms: SimVmSpec[];
}

/** The inventory-wide simulator settings. */
export interface SimInventoryOptions {
  /** Relative noise on measured rates (0 = exact), and its seed. */
  simNoise: number;
  simSeed: number;
  simFaults: SimFaults;
}

function normalizeSimHost(_name: string, raw: RawSimHost): SimHostOptions {
  return {
    background: { txMbps: raw.background?.tx_mbps ?? 0, rxMbps: raw.background?.rx_mbps ?? 0 },
    simVms: Object.entries(raw.vms ?? {}).map(([vmName, vm]) => normalizeSimVm(vmName, vm)),
  };
}

function normalizeSimVm(vmName: string, vm: RawSimVm): SimVmSpec {
  return {
    name: vmName,
    memoryMib: vm.memory_mib,
    vcpus: vm.vcpus ?? 1,
    txMbps: vm.tx_mbps ?? 0,
    rxMbps: vm.rx_mbps ?? 0,
    dirtyMibPerS: vm.dirty_mib_per_s ?? 0,
    failMigrations: vm.fail_migrations ?? 0,
  };
}

function normalizeSimInventory(raw: RawSimInventory): SimInventoryOptions {
  const f = raw.sim?.faults ?? {};
  return {
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

export const simOptions = {
  hostProperties: simHostProperties,
  hostOnlyProperties: simHostOnlyProperties,
  inventoryProperties: simInventoryProperties,
  hostDurationBounds: {},
  inventoryDurationBounds: {
    'sim.faults.link_outage': { minMs: 0, maxMs: 24 * HOUR_MS },
    'sim.faults.host_outage': { minMs: 0, maxMs: 24 * HOUR_MS },
  },
  ansibleAliases: {},
  normalizeHost: normalizeSimHost,
  normalizeInventory: normalizeSimInventory,
} as const satisfies DriverOptionsDeclaration;
