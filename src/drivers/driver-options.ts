// The drivers' inventory keys, one line per driver: the playbook loader builds the inventory
// schema, its duration bounds, Ansible aliases and normalised hosts from these declarations.
// Adding a driver: its folder with a …-options.ts, a line here, and its factory in create-driver.ts.
import { simOptions } from './sim/sim-options.ts';
import { sshOptions } from './ssh/ssh-options.ts';
import type { DriverOptionsDeclaration } from './driver-options-declaration.ts';

export const DRIVER_OPTIONS = {
  ssh: sshOptions,
  sim: simOptions,
} as const satisfies Record<string, DriverOptionsDeclaration>;

export type DriverKind = keyof typeof DRIVER_OPTIONS;
/** The `driver:` values, in the order declared (ssh, the default, first). */
export const DRIVER_KINDS = Object.keys(DRIVER_OPTIONS) as [DriverKind, ...DriverKind[]];

type Declared = (typeof DRIVER_OPTIONS)[DriverKind];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every driver's keys of one kind, merged (the drivers' key names never overlap: a test checks). */
type Merged<K extends keyof DriverOptionsDeclaration> = UnionToIntersection<Declared[K]>;
function merged<K extends 'hostProperties' | 'hostOnlyProperties' | 'inventoryProperties' | 'hostDurationBounds' | 'inventoryDurationBounds' | 'ansibleAliases'>(key: K): Merged<K> {
  return Object.assign({}, ...Object.values(DRIVER_OPTIONS).map((d) => d[key])) as Merged<K>;
}

export const driverHostProperties = merged('hostProperties');
export const driverHostOnlyProperties = merged('hostOnlyProperties');
export const driverInventoryProperties = merged('inventoryProperties');
export const driverHostDurationBounds = merged('hostDurationBounds');
export const driverInventoryDurationBounds = merged('inventoryDurationBounds');
export const driverAnsibleAliases = merged('ansibleAliases');

/** What every driver reads from a host / from the inventory, once normalised. */
export type DriverHostOptions = UnionToIntersection<ReturnType<Declared['normalizeHost']>>;
export type DriverInventoryOptions = UnionToIntersection<ReturnType<Declared['normalizeInventory']>>;

/** A host's raw keys (defaults applied) → every driver's view of it. */
export function normalizeDriverHost(name: string, raw: Record<string, unknown>): DriverHostOptions {
  return Object.assign({}, ...Object.values(DRIVER_OPTIONS).map((d: DriverOptionsDeclaration) => d.normalizeHost(name, raw))) as DriverHostOptions;
}

export function normalizeDriverInventory(raw: Record<string, unknown>): DriverInventoryOptions {
  return Object.assign({}, ...Object.values(DRIVER_OPTIONS).map((d: DriverOptionsDeclaration) => d.normalizeInventory(raw))) as DriverInventoryOptions;
}
