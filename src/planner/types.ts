// The planner's vocabulary. Pure data: the planner reads these and returns a Plan, no I/O.

// The playbook's words for modes, strategies and objectives, which the planner speaks too.
import type { ConvergencePolicy, MigrationMode, PlanObjective, Strategy } from '../playbook/types.ts';
export type { ConvergencePolicy, MigrationMode, PlanObjective, Strategy };

/** A VM's measured application traffic, in the guest's view (tx = sent by the guest). */
export interface VmTraffic {
  vm: string;
  host: string;
  txMbps: number;
  rxMbps: number;
  memoryMib: number;
  vcpus?: number;
  dirtyMibPerS?: number;
  /**
   * Measured on a full NIC direction with the largest share there: it took all it was given and
   * may want more once others leave (the time model lets it grow up to this; absent = its rate).
   */
  txDemandMbps?: number;
  rxDemandMbps?: number;
}

/** A host's NIC and its non-VM (background) traffic. */
export interface HostTraffic {
  host: string;
  nicMbps: number;
  backgroundTxMbps: number;
  backgroundRxMbps: number;
  /** Capacity for incoming VMs; absent = unlimited. */
  memoryMib?: number;
  vcpus?: number;
}

/** One VM the playbook asks to move. */
export interface MoveRequest {
  vm: string;
  from: string;
  /** Candidate destinations; one entry = fixed destination. */
  to: string[];
  /** A mode the playbook pins for this VM (overrides the strategy). */
  pinnedMode?: MigrationMode;
  /** False when the VM must never risk post-copy (`postcopy: deny`). */
  postcopyAllowed: boolean;
  /** Where the playbook asks for this move (FILE:LINE:COL), for refusals. */
  origin?: string;
  /** Why the mode is pinned when the playbook did not pin it (the convergence rule), for people. */
  pinnedReason?: string;
  /** Pre-copy with QEMU's auto-converge throttling (the convergence rule's choice). */
  autoConverge?: boolean;
}

export interface PlanLimits {
  maxParallel: number;
  maxOutboundPerHost: number;
  maxInboundPerHost: number;
}

export interface PlanInput {
  strategy: Strategy;
  objective: PlanObjective;
  hosts: HostTraffic[];
  /** Every VM running on the hosts now, moving or staying. */
  vms: VmTraffic[];
  moves: MoveRequest[];
  limits: PlanLimits;
  /** Modes the playbook allows at all (constraints.modes). */
  allowedModes: MigrationMode[];
  /** Pre-copy stops and copies once the rest fits in this downtime (time model); default 300 ms. */
  maxDowntimeMs?: number;
  /** Per-migration stream cap (constraints.bandwidth) for the time model; 0 or absent = none. */
  migrationBandwidthMbps?: number;
  /** Every pre-copy throttles its guest (constraints.auto_converge). */
  autoConverge?: boolean;
  postcopySwitch?: 'immediate' | 'after-first-pass';
  /** A pre-copy predicted to take longer than this does not converge in time (constraints.timeout). */
  timeoutMs?: number;
  /** What to do with such a pre-copy (constraints.convergence); default prefer-post-copy. */
  convergence?: ConvergencePolicy;
}


export interface PlannedMigration {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
  /** 0-based wave; migrations of one wave run together. */
  wave: number;
  txMbps: number;
  rxMbps: number;
  memoryMib: number;
  /** Why this mode (and destination) was chosen, for people. */
  reason: string;
  /** Predicted by the time model (Infinity = never finishes: the convergence rule keeps such out). */
  estimatedDurationS?: number;
  /** The mean rate the time model predicts for its stream. */
  predictedStreamMbps?: number;
  /** Pre-copy rounds the time model predicts. */
  predictedRounds?: number;
  /** Measured memory dirty rate. */
  dirtyMibPerS?: number;
  /** Pre-copy with auto-converge (chosen by the convergence rule). */
  autoConverge?: boolean;
}

/** Contention at one host, per side, in the seed's model. */
export interface HostContention {
  host: string;
  /** Background TX + TX of staying VMs + TX of VMs leaving by pre-copy. */
  sourceMbps: number;
  /** Background RX + RX of staying VMs + RX of VMs arriving by post-copy. */
  destinationMbps: number;
}

/** One wave: its migrations run together; contention counts VMs not in flight where they run then. */
export interface WaveSummary {
  wave: number;
  migrations: number;
  contentionMbps: number;
  estimatedDurationS: number;
}

export interface Plan {
  strategy: Strategy;
  objective: PlanObjective;
  /** max over hosts and sides of the contention, all migrations concurrent. */
  contentionMbps: number;
  migrations: PlannedMigration[];
  hosts: HostContention[];
  waves: number;
  estimatedTotalTimeS?: number;
  /** Σ over migrations of the traffic each contends with (tx if pre-copy, rx if post-copy): the first tie-break. */
  contendingTrafficMbps?: number;
  /**
   * True when the contention (and its tie-breaks) is proven minimal. False only when a large
   * coupled group of moves ran out of search budget; contentionLowerBoundMbps then bounds the gap.
   */
  provenOptimal?: boolean;
  contentionLowerBoundMbps?: number;
  /** (contention − lower bound) / contention: 0 when the contention is proven minimal. */
  contentionGap?: number;
  /** Per wave, in order. */
  waveSummaries?: WaveSummary[];
}
