// The playbook after loading, validation and normalisation: units in names, defaults applied.
import type { SourcePosition } from '../errors.ts';

export type MigrationMode = 'pre-copy' | 'post-copy';
export type Strategy = 'traffic-sensitive' | 'pre-copy' | 'post-copy';
export type PlanObjective = 'contention' | 'time';
/** What to do with a pre-copy predicted not to finish within the timeout (constraints.convergence). */
export type ConvergencePolicy = 'prefer-post-copy' | 'auto-converge' | 'fail';

/**
 * The playbook's `driver:` values, listed once: the schema's enum and the driver registry
 * (src/drivers/registry.ts, which must have one entry per kind) both come from here.
 */
export const DRIVER_KINDS = ['ssh', 'sim'] as const;
export type DriverKind = (typeof DRIVER_KINDS)[number];

/**
 * The `report.formats` values, listed once: the schema's enum, the CLI's --format choices and the
 * reporter registry (src/report/render-report-format.ts, one entry per format) come from here.
 */
export const REPORT_FORMATS = ['text', 'json', 'html', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

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

export interface InventoryHost {
  name: string;
  nicMbps: number;
  /** Capacity for incoming VMs; undefined = unlimited. */
  memoryMib?: number;
  vcpus?: number;
  // ssh driver
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile?: string;
  /** false only when the inventory says so explicitly (like Ansible's host_key_checking). */
  hostKeyChecking: boolean;
  libvirtUri: string;
  /** Host NIC whose counters are the host's traffic. */
  nic?: string;
  /** Address the source uses to reach this host for qemu+ssh:// (defaults to the name). */
  migrationAddress: string;
  connectTimeoutMs: number;
  // sim driver
  background: { txMbps: number; rxMbps: number };
  simVms: SimVmSpec[];
}

export interface Inventory {
  driver: DriverKind;
  hosts: InventoryHost[];
  /** Sim: relative noise on measured rates (0 = exact), and its seed. */
  simNoise: number;
  simSeed: number;
  simFaults: SimFaults;
}

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
