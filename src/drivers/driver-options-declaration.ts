// What a driver declares about the inventory keys it reads: each driver folder has one such
// declaration (…-options.ts) and src/drivers/driver-options.ts lists them. The playbook loader
// builds the inventory's schema, duration bounds, Ansible aliases and normalised hosts from them.
import type { DurationBound } from '../playbook/schema-fragments.ts';

type SchemaProperties = Readonly<Record<string, unknown>>;

export interface DriverOptionsDeclaration {
  /** Keys a host (or the inventory's `defaults`) may carry, as JSON Schema properties. */
  readonly hostProperties: SchemaProperties;
  /** Keys only a host entry takes, never `defaults` (the sim's VM list). */
  readonly hostOnlyProperties: SchemaProperties;
  /** Top-level inventory keys (the sim's `sim:` block). */
  readonly inventoryProperties: SchemaProperties;
  /** Bounds of the host keys that are durations (checked once parsed). */
  readonly hostDurationBounds: Readonly<Record<string, DurationBound>>;
  /** Bounds of inventory-level durations, by dotted key (`sim.faults.link_outage`). */
  readonly inventoryDurationBounds: Readonly<Record<string, DurationBound>>;
  /** Ansible connection variables that mean one of this driver's host keys. */
  readonly ansibleAliases: Readonly<Record<string, string>>;
  /** A host's raw keys (defaults applied) → what the driver reads. */
  normalizeHost(name: string, raw: Record<string, unknown>): object;
  /** The inventory's raw top-level keys → what the driver reads. */
  normalizeInventory(raw: Record<string, unknown>): object;
}
