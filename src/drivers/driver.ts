// The one contract every backend (sim, ssh/virsh) fulfils. Drivers do I/O and decide no policy:
// the executor says what to migrate, how and when; the driver only does it and reports facts.
import type { DriverKind, MigrationMode } from '../playbook/types.ts';

/** Time source: wall time for real hosts, virtual time for the simulator. */
export interface Clock {
  nowMs(): number;
  /** Resolves after ms (virtual or real); rejects with signal.reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface VmInfo {
  name: string;
  memoryMib: number;
  vcpus: number;
  state: 'running' | 'paused' | 'shut off' | 'other';
}

/** Cumulative byte counters read at one instant. */
export interface CounterReading {
  atMs: number;
  /** The host NIC, host view: tx = sent by the host. */
  nic: { txBytes: number; rxBytes: number };
  /** Per VM, guest view: tx = sent by the guest. */
  vms: Record<string, { txBytes: number; rxBytes: number }>;
}

/** How fast a VM's guest dirties its memory, measured over the sampling window. */
export interface DirtyRateReading {
  vm: string;
  dirtyMibPerS: number;
}

export interface SamplingWindow {
  durationMs: number;
  intervalMs: number;
}

export interface MigrationRequest {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
  /** 0 = unlimited. */
  bandwidthMbps: number;
  maxDowntimeMs: number;
  autoConverge: boolean;
  /** Post-copy: switch at once, or after the first pre-copy pass. */
  postcopySwitch: 'immediate' | 'after-first-pass';
  /** Keep the domain defined on the destination / undefine it on the source. */
  persistent: boolean;
  undefineSource: boolean;
  /** 1-based attempt number, for the driver's logs and fault injection. */
  attempt: number;
}

export interface MigrationProgress {
  vm: string;
  phase: 'setup' | 'pre-copy' | 'stop-and-copy' | 'post-copy';
  memoryTotalBytes: number;
  memoryRemainingBytes: number;
  transferredBytes: number;
  rateMbps: number;
  iteration: number;
}

export interface MigrationOutcome {
  vm: string;
  mode: MigrationMode;
  startedMs: number;
  finishedMs: number;
  /** Bytes of guest memory (and state) sent over the network, all rounds. */
  transferredBytes: number;
  downtimeMs: number;
  /** Post-copy: when the VM started running on the destination. */
  switchedAtMs?: number;
  /** Wall time of the driver's steps of this migration, where the driver times them. */
  phasesMs?: MigrationPhasesMs;
}

/** One migration's steps, in order: what tsmig adds around `virsh migrate` is all but `migrateMs`. */
export interface MigrationPhasesMs {
  /** Checks before the migration (where the VM is, before a post-copy resume). */
  prechecksMs: number;
  /** Opening what watches the migration on the source (its event monitor's channel). */
  connectMs: number;
  /** The migration itself (`virsh migrate`): startedMs to finishedMs. */
  migrateMs: number;
  /** Where the VM runs now and its final statistics, read on both hosts. */
  postchecksMs: number;
}

/**
 * The executor's reason for aborting a running migration. Before a post-copy switch every abort
 * cancels the migration (the VM stays on its source). After the switch neither host has the
 * whole VM, so a migration is never cancelled; with `pausePostcopy` the driver pauses it instead
 * (`virsh domjobabort --postcopy`), which `resumePostcopy` can continue; without it, it runs on.
 */
export class MigrationAbortReason extends Error {
  constructor(
    message: string,
    readonly pausePostcopy: boolean,
  ) {
    super(message);
    this.name = 'MigrationAbortReason';
  }
}

/** Whether an abort signal asks to pause a switched post-copy (see MigrationAbortReason). */
export function asksToPausePostcopy(signal: AbortSignal): boolean {
  return signal.reason instanceof MigrationAbortReason && signal.reason.pausePostcopy;
}

// Defined beside MigrationFailedError, which carries it; re-exported for drivers.
export type { VmWhereabouts } from '../errors.ts';

export interface Driver {
  readonly kind: DriverKind;
  readonly clock: Clock;
  /** Opens connections to every host; throws HostUnreachableError naming the first bad one. */
  connect(hosts: string[]): Promise<void>;
  /** Domains on the host (running and otherwise). */
  listVms(host: string): Promise<VmInfo[]>;
  /** Reads counters every interval over the window (one sampler per host, not per VM). */
  sampleCounters(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<CounterReading[]>;
  /** Memory dirty rates of the running VMs on the host, measured during the same window. */
  measureDirtyRates?(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<DirtyRateReading[]>;
  /**
   * Migrates one VM. Resolves when the VM runs on the destination and no longer on the source.
   * Rejects with MigrationFailedError (carrying where the VM is) on failure or abort.
   */
  migrate(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome>;
  /**
   * Resumes a post-copy migration paused after the switch by a lost link or host
   * (`virsh migrate --postcopy-resume`). Rejects with vmOn 'paused-in-postcopy' while the fault lasts.
   */
  resumePostcopy?(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome>;
  /**
   * What an operator does to resume a post-copy paused between request.from and request.to, in
   * this driver's terms (the exact command): the same hint its MigrationFailedError carries.
   */
  postcopyResumeHint?(request: MigrationRequest): string;
  /** How an operator sees where a VM runs among these hosts, in this driver's terms. */
  locateVmHint?(vm: string, hosts: string[]): string;
  close(): Promise<void>;
}
