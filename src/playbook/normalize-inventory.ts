// Raw inventory (as written, snake_case, defaults apart) → InventoryHost records with defaults
// applied. The capacity keys are the playbook's; each driver normalises its own keys
// (src/drivers/driver-options.ts).
import { normalizeDriverHost, normalizeDriverInventory } from '../drivers/driver-options.ts';
import type { RawInventory } from './playbook-schema.ts';
import type { Inventory, InventoryHost } from './types.ts';

type RawHost = Record<string, unknown> & { nic_mbps?: number; memory_mib?: number; vcpus?: number };

export const NIC_MBPS_DEFAULT = 1000;

export function normalizeInventory(raw: RawInventory): Inventory {
  const defaults = (raw.defaults ?? {}) as RawHost;
  const hosts = Object.entries(raw.hosts as Record<string, RawHost>).map(([name, own]) => normalizeHost(name, { ...defaults, ...own }));
  return { driver: raw.driver ?? 'ssh', hosts, ...normalizeDriverInventory(raw as Record<string, unknown>) };
}

function normalizeHost(name: string, h: RawHost): InventoryHost {
  return {
    name,
    nicMbps: h.nic_mbps ?? NIC_MBPS_DEFAULT,
    memoryMib: h.memory_mib,
    vcpus: h.vcpus,
    ...normalizeDriverHost(name, h),
  };
}
