// The playbook after loading, validation and normalisation: units in names, defaults applied.
import type { SourcePosition } from '../errors.ts';
import type { DriverHostOptions, DriverInventoryOptions, DriverKind } from '../drivers/driver-options.ts';

export type MigrationMode = 'pre-copy' | 'post-copy';
export type Strategy = 'traffic-sensitive' | 'pre-copy' | 'post-copy';
export type PlanObjective = 'contention' | 'time';
/** What to do with a pre-copy predicted not to finish within the timeout (constraints.convergence). */
export type ConvergencePolicy = 'prefer-post-copy' | 'auto-converge' | 'fail' | 'ignore';

/** The `driver:` values come from the drivers' option registry (one line per driver). */
export { DRIVER_KINDS, type DriverKind } from '../drivers/driver-options.ts';

/**
 * The `report.formats` values, listed once: the schema's enum, the CLI's --format choices and the
 * reporter registry (src/report/render-report-format.ts, one entry per format) come from here.
 */
export const REPORT_FORMATS = ['text', 'json', 'html', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export type { SimFaults, SimVmSpec } from '../drivers/sim/sim-options.ts';

/**
 * A host: its capacity (any driver), then what each driver reads from it, declared beside the
 * driver (src/drivers/DRIVER/…-options.ts).
 */
export type InventoryHost = {
  name: string;
  nicMbps: number;
  /** Capacity for incoming VMs; undefined = unlimited. */
  memoryMib?: number;
  vcpus?: number;
} & DriverHostOptions;

export type Inventory = {
  driver: DriverKind;
  hosts: InventoryHost[];
} & DriverInventoryOptions;

export interface MigrationSpec {
  from: string;
  /** One destination, several candidates, or every other host not being drained. */
  to: string[] | 'any';
  vms: string[] | 'all';
  /** Pin a mode for these VMs (overrides the strategy). */
  mode?: MigrationMode;
  postcopy: 'allow' | 'deny';
  position: SourcePosition;
}

export interface Constraints {
  maxParallel: number;
  maxOutboundPerHost: number;
  maxInboundPerHost: number;
  /** 0 = unlimited. */
  bandwidthMbps: number;
  maxDowntimeMs: number;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  allowedModes: MigrationMode[];
  autoConverge: boolean;
  /** What to do with a pre-copy predicted not to finish within the timeout. */
  convergence: ConvergencePolicy;
  postcopySwitch: 'immediate' | 'after-first-pass';
  persistent: boolean;
  undefineSource: boolean;
  /** The whole run (constraints.deadline): once passed, nothing new starts, running pre-copies abort. */
  deadlineMs?: number;
}

export interface ReportSettings {
  path?: string;
  dir?: string;
  formats: ReportFormat[];
}

export interface Playbook {
  name: string;
  file: string;
  inventory: Inventory;
  sampling: { durationMs: number; intervalMs: number };
  strategy: Strategy;
  objective: PlanObjective;
  /** Planning's time limit and the relative contention gap at which it may stop (0.005 = 0.5 %). */
  planner: { timeLimitMs: number; gap: number };
  migrations: MigrationSpec[];
  constraints: Constraints;
  report: ReportSettings;
}
