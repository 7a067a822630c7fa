// The simulator's physics: hosts with full-duplex NICs, VMs whose application traffic and whose
// migration streams are flows sharing each NIC direction max-min fairly, and migrations that
// progress through pre-copy rounds or post-copy in a piecewise-constant fluid model.
import type { Inventory, SimFaults, SimVmSpec } from '../../playbook/types.ts';
import { createRandom } from '../../util/random.ts';
import type { MigrationRequest } from '../driver.ts';
import { NicSharing } from './nic-sharing.ts';
import type { Timeline } from './virtual-clock.ts';

export const BYTES_PER_MIB = 1024 * 1024;
const BITS_PER_BYTE = 8;
/** Connection set-up and destination QEMU start before memory flows. */
export const SIM_SETUP_MS = 500;
/** Device state and the last pages when a post-copy VM switches hosts. */
export const SIM_POSTCOPY_SWITCH_MS = 20;
/** With auto-converge, QEMU throttles the guest harder each round; this is the dirty-rate factor per round. */
const AUTO_CONVERGE_FACTOR = 0.7;
const EPSILON_BYTES = 1;

export function mbpsToBytesPerMs(mbps: number): number {
  return (mbps * 1e6) / BITS_PER_BYTE / 1000;
}

export interface SimHostState {
  name: string;
  nicMbps: number;
  backgroundTxMbps: number;
  backgroundRxMbps: number;
  /** Host view: tx = bytes the NIC sent. */
  nicTxBytes: number;
  nicRxBytes: number;
  /** Background rates achieved after sharing the NIC (set by reallocate). */
  achievedBackgroundTxMbps: number;
  achievedBackgroundRxMbps: number;
}

export interface SimVmState {
  spec: SimVmSpec;
  host: string;
  state: 'running' | 'paused';
  /** Guest view. */
  txBytes: number;
  rxBytes: number;
  /** Migration attempts so far (for fault injection). */
  attempts: number;
  /** Application rates achieved after sharing the NIC (set by reallocate; 0 unless running). */
  achievedTxMbps: number;
  achievedRxMbps: number;
}

export type SimPhase = 'setup' | 'pre-copy' | 'stop-and-copy' | 'post-copy' | 'done' | 'failed';

export interface SimMigration {
  request: MigrationRequest;
  phase: SimPhase;
  startedMs: number;
  phaseStartedMs: number;
  /** Bytes left to send in the current phase (or round). */
  phaseRemainingBytes: number;
  /** Bytes the guest dirtied during the current pre-copy round. */
  dirtiedBytes: number;
  iteration: number;
  transferredBytes: number;
  downtimeMs: number;
  switchedAtMs?: number;
  /** Bytes after which an injected failure strikes (undefined = none). */
  failAfterBytes?: number;
  /** Bytes after which the link between the hosts drops (undefined = it holds). */
  linkCutAtBytes?: number;
  /** Post-copy stalled by a lost link or host: it may resume from this time on. */
  stalledUntilMs?: number;
  rateMbps: number;
  error?: string;
  /** Where the VM is when the migration failed. */
  vmOn?: 'source' | 'paused-in-postcopy';
  /** Called when the migration reaches done, failed or stalled. */
  settle: () => void;
}

interface Outage {
  fromMs: number;
  toMs: number;
}

export class SimWorld implements Timeline {
  readonly hosts = new Map<string, SimHostState>();
  readonly vms = new Map<string, SimVmState>();
  readonly migrations = new Set<SimMigration>();
  /** Post-copy migrations paused after the switch, by VM, waiting for resumeStalled. */
  readonly stalled = new Map<string, SimMigration>();
  readonly hostOutages = new Map<string, Outage>();
  private readonly faults: SimFaults;
  private readonly random: () => number;
  nowMs = 0;
  private readonly sharing: NicSharing;
  /** VMs that were running at the last reallocate, in VM order: the ones whose traffic flows. */
  private sending: SimVmState[] = [];

  constructor(inventory: Inventory) {
    this.faults = inventory.simFaults;
    this.random = createRandom(inventory.simSeed ^ 0x5eed);
    for (const h of inventory.hosts) {
      if (this.random() < this.faults.hostOutageRate) {
        // Somewhere in the first ten minutes, after a typical sampling window.
        const fromMs = 30_000 + this.random() * 600_000;
        this.hostOutages.set(h.name, { fromMs, toMs: fromMs + this.faults.hostOutageMs });
      }
      this.hosts.set(h.name, {
        name: h.name,
        nicMbps: h.nicMbps,
        backgroundTxMbps: h.background.txMbps,
        backgroundRxMbps: h.background.rxMbps,
        nicTxBytes: 0,
        nicRxBytes: 0,
        achievedBackgroundTxMbps: 0,
        achievedBackgroundRxMbps: 0,
      });
      for (const spec of h.simVms) {
        this.vms.set(spec.name, { spec, host: h.name, state: 'running', txBytes: 0, rxBytes: 0, attempts: 0, achievedTxMbps: 0, achievedRxMbps: 0 });
      }
    }
    this.sharing = new NicSharing([...this.hosts.values()]);
    this.reallocate();
  }

  /** Starts a migration; the returned record settles via its `settle` callback. */
  startMigration(request: MigrationRequest, settle: () => void): SimMigration {
    const vm = this.vms.get(request.vm);
    if (!vm) throw new Error(`sim: no VM ${request.vm}`);
    vm.attempts += 1;
    const memoryBytes = vm.spec.memoryMib * BYTES_PER_MIB;
    const migration: SimMigration = {
      request,
      phase: 'setup',
      startedMs: this.nowMs,
      phaseStartedMs: this.nowMs,
      phaseRemainingBytes: 0,
      dirtiedBytes: 0,
      iteration: 0,
      transferredBytes: 0,
      downtimeMs: 0,
      failAfterBytes:
        vm.attempts <= vm.spec.failMigrations || this.random() < this.faults.migrationFailureRate ? memoryBytes * (0.05 + 0.5 * this.random()) : undefined,
      linkCutAtBytes: this.random() < this.faults.linkCutRate ? memoryBytes * (0.1 + 0.8 * this.random()) : undefined,
      rateMbps: 0,
      settle,
    };
    this.migrations.add(migration);
    this.reallocate();
    return migration;
  }

  /** Aborts a migration that has not switched hosts; the VM keeps running on its source. */
  abortMigration(m: SimMigration, reason: string): boolean {
    if (m.switchedAtMs !== undefined || m.phase === 'done' || m.phase === 'failed') return false;
    this.fail(m, reason);
    return true;
  }

  /** Pauses a switched post-copy, like `virsh domjobabort --postcopy`: resumable at once. */
  pausePostcopy(m: SimMigration, reason: string): boolean {
    if (m.switchedAtMs === undefined || m.phase === 'done' || m.phase === 'failed') return false;
    this.interrupt(m, reason, this.nowMs);
    return true;
  }

  nextEventMs(): number {
    let next = Infinity;
    for (const m of this.migrations) {
      if (m.phase === 'setup') next = Math.min(next, m.phaseStartedMs + SIM_SETUP_MS);
      else if (m.phase !== 'done' && m.phase !== 'failed') {
        const perMs = mbpsToBytesPerMs(m.rateMbps);
        if (perMs <= 0) continue;
        let bytes = m.phaseRemainingBytes;
        if (m.failAfterBytes !== undefined && m.switchedAtMs === undefined) bytes = Math.min(bytes, Math.max(0, m.failAfterBytes - m.transferredBytes));
        if (m.linkCutAtBytes !== undefined) bytes = Math.min(bytes, Math.max(0, m.linkCutAtBytes - m.transferredBytes));
        next = Math.min(next, this.nowMs + bytes / perMs);
      }
      for (const host of [m.request.from, m.request.to]) {
        const outage = this.hostOutages.get(host);
        if (outage && outage.fromMs > this.nowMs) next = Math.min(next, outage.fromMs);
      }
    }
    return next;
  }

  advanceTo(targetMs: number): void {
    const dt = targetMs - this.nowMs;
    if (dt > 0) this.integrate(dt);
    this.nowMs = Math.max(this.nowMs, targetMs);
    // Several migrations may reach a milestone at this instant; step until none does.
    for (let guard = 0; guard < 10_000 && this.processMilestones(); guard++) this.reallocate();
  }

  /** Current application rates actually achieved (after sharing), per VM. */
  achievedAppRates(): ReadonlyMap<string, { txMbps: number; rxMbps: number }> {
    return new Map(this.sending.map((vm) => [vm.spec.name, { txMbps: vm.achievedTxMbps, rxMbps: vm.achievedRxMbps }]));
  }

  private integrate(dtMs: number): void {
    for (const host of this.hosts.values()) {
      host.nicTxBytes += mbpsToBytesPerMs(host.achievedBackgroundTxMbps) * dtMs;
      host.nicRxBytes += mbpsToBytesPerMs(host.achievedBackgroundRxMbps) * dtMs;
    }
    for (const vm of this.sending) {
      const host = this.hosts.get(vm.host);
      if (!host) continue;
      const tx = mbpsToBytesPerMs(vm.achievedTxMbps) * dtMs;
      const rx = mbpsToBytesPerMs(vm.achievedRxMbps) * dtMs;
      vm.txBytes += tx;
      vm.rxBytes += rx;
      host.nicTxBytes += tx;
      host.nicRxBytes += rx;
    }
    for (const m of this.migrations) {
      if (m.phase === 'setup' || m.phase === 'done' || m.phase === 'failed') continue;
      const sent = Math.min(m.phaseRemainingBytes, mbpsToBytesPerMs(m.rateMbps) * dtMs);
      m.phaseRemainingBytes -= sent;
      m.transferredBytes += sent;
      this.hosts.get(m.request.from)!.nicTxBytes += sent;
      this.hosts.get(m.request.to)!.nicRxBytes += sent;
      if (m.phase === 'pre-copy') {
        const vm = this.vms.get(m.request.vm)!;
        const dirtyPerMs = (vm.spec.dirtyMibPerS * BYTES_PER_MIB * this.throttle(m)) / 1000;
        m.dirtiedBytes = Math.min(vm.spec.memoryMib * BYTES_PER_MIB, m.dirtiedBytes + dirtyPerMs * dtMs);
      }
    }
  }

  private throttle(m: SimMigration): number {
    return m.request.autoConverge ? Math.pow(AUTO_CONVERGE_FACTOR, Math.max(0, m.iteration - 1)) : 1;
  }

  /** Moves migrations whose current step ended to their next; true if any moved. */
  private processMilestones(): boolean {
    let moved = false;
    for (const m of this.migrations) {
      if (m.phase === 'done' || m.phase === 'failed') continue;
      const down = this.hostDown(m.request.from) ?? this.hostDown(m.request.to);
      if (down) {
        this.interrupt(m, `libvirtd on ${down.host} is not responding`, down.untilMs);
        moved = true;
        continue;
      }
      if (m.linkCutAtBytes !== undefined && m.transferredBytes >= m.linkCutAtBytes - EPSILON_BYTES) {
        m.linkCutAtBytes = undefined;
        this.interrupt(m, `the link between ${m.request.from} and ${m.request.to} dropped`, this.nowMs + this.faults.linkOutageMs);
        moved = true;
        continue;
      }
      if (m.failAfterBytes !== undefined && m.transferredBytes >= m.failAfterBytes - EPSILON_BYTES && m.switchedAtMs === undefined) {
        this.fail(m, `sim: injected failure (attempt ${this.vms.get(m.request.vm)?.attempts ?? '?'})`);
        moved = true;
        continue;
      }
      if (m.phase === 'setup') {
        if (this.nowMs >= m.phaseStartedMs + SIM_SETUP_MS) {
          this.beginTransfer(m);
          moved = true;
        }
        continue;
      }
      if (m.phaseRemainingBytes > EPSILON_BYTES) continue;
      this.endPhase(m);
      moved = true;
    }
    return moved;
  }

  private beginTransfer(m: SimMigration): void {
    const vm = this.vms.get(m.request.vm)!;
    const memoryBytes = vm.spec.memoryMib * BYTES_PER_MIB;
    if (m.request.mode === 'post-copy' && m.request.postcopySwitch === 'immediate') {
      this.switchToDestination(m, memoryBytes);
      return;
    }
    this.enterPhase(m, 'pre-copy', memoryBytes);
    m.iteration = 1;
  }

  private endPhase(m: SimMigration): void {
    const vm = this.vms.get(m.request.vm)!;
    switch (m.phase) {
      case 'pre-copy': {
        if (m.request.mode === 'post-copy') {
          // after-first-pass: switch now; the pages dirtied meanwhile are pulled after the switch.
          this.switchToDestination(m, m.dirtiedBytes);
          return;
        }
        const perMs = mbpsToBytesPerMs(m.rateMbps);
        const fitsInDowntime = perMs > 0 && m.dirtiedBytes / perMs <= m.request.maxDowntimeMs;
        if (fitsInDowntime || m.dirtiedBytes <= EPSILON_BYTES) {
          vm.state = 'paused';
          this.enterPhase(m, 'stop-and-copy', m.dirtiedBytes);
        } else {
          const next = m.dirtiedBytes;
          this.enterPhase(m, 'pre-copy', next);
          m.iteration += 1;
        }
        m.dirtiedBytes = 0;
        return;
      }
      case 'stop-and-copy':
        m.downtimeMs = this.nowMs - m.phaseStartedMs;
        vm.host = m.request.to;
        vm.state = 'running';
        this.finish(m);
        return;
      case 'post-copy':
        this.finish(m);
        return;
      default:
        return;
    }
  }

  private switchToDestination(m: SimMigration, bytesToPull: number): void {
    if (m.failAfterBytes !== undefined) {
      // Injected faults strike before the switch: after it, the VM already runs on the destination.
      this.fail(m, `sim: injected failure before the post-copy switch (attempt ${this.vms.get(m.request.vm)?.attempts ?? '?'})`);
      return;
    }
    const vm = this.vms.get(m.request.vm)!;
    vm.host = m.request.to;
    vm.state = 'running';
    m.switchedAtMs = this.nowMs;
    m.downtimeMs = SIM_POSTCOPY_SWITCH_MS;
    this.enterPhase(m, 'post-copy', bytesToPull);
  }

  private enterPhase(m: SimMigration, phase: SimPhase, bytes: number): void {
    m.phase = phase;
    m.phaseStartedMs = this.nowMs;
    m.phaseRemainingBytes = bytes;
  }

  private finish(m: SimMigration): void {
    m.phase = 'done';
    this.migrations.delete(m);
    m.settle();
  }

  /** A host or link fault: before the switch the migration fails; after it, the VM pauses until resumed. */
  private interrupt(m: SimMigration, reason: string, untilMs: number): void {
    if (m.switchedAtMs === undefined) {
      this.fail(m, reason);
      return;
    }
    const vm = this.vms.get(m.request.vm);
    if (vm) vm.state = 'paused';
    m.stalledUntilMs = untilMs;
    m.phase = 'failed';
    m.vmOn = 'paused-in-postcopy';
    m.error = `${reason} after the post-copy switch: ${m.request.vm} is paused on ${m.request.to}`;
    this.migrations.delete(m);
    this.stalled.set(m.request.vm, m);
    this.reallocate();
    m.settle();
  }

  /** Resumes a stalled post-copy (like `virsh migrate --postcopy-resume`); false while the fault lasts. */
  resumeStalled(vmName: string, settle: () => void): SimMigration | 'not-stalled' | 'still-down' {
    const m = this.stalled.get(vmName);
    if (!m) return 'not-stalled';
    if (this.nowMs < (m.stalledUntilMs ?? 0) || this.hostDown(m.request.from) || this.hostDown(m.request.to)) return 'still-down';
    this.stalled.delete(vmName);
    const vm = this.vms.get(vmName);
    if (vm) vm.state = 'running';
    m.phase = 'post-copy';
    m.vmOn = undefined;
    m.error = undefined;
    m.stalledUntilMs = undefined;
    m.settle = settle;
    this.migrations.add(m);
    this.reallocate();
    return m;
  }

  private hostDown(host: string): { host: string; untilMs: number } | undefined {
    const o = this.hostOutages.get(host);
    return o && o.fromMs <= this.nowMs && this.nowMs < o.toMs ? { host, untilMs: o.toMs } : undefined;
  }

  private fail(m: SimMigration, reason: string): void {
    const vm = this.vms.get(m.request.vm);
    if (vm && m.switchedAtMs === undefined) {
      vm.host = m.request.from;
      vm.state = 'running';
    }
    m.phase = 'failed';
    m.vmOn = 'source';
    m.error = reason;
    this.migrations.delete(m);
    this.reallocate();
    m.settle();
  }

  /** Recomputes every flow's rate; call after any change of flows or demands. */
  reallocate(): void {
    const vms = [...this.vms.values()];
    const transferring = [...this.migrations].filter((m) => m.phase !== 'setup' && m.phase !== 'done' && m.phase !== 'failed');
    // Background flows get what is left after nothing: they are flows like any other.
    const rates = this.sharing.allocate(
      vms.map((vm) => ({ host: vm.host, running: vm.state === 'running', txMbps: vm.spec.txMbps, rxMbps: vm.spec.rxMbps })),
      transferring.map((m) => ({ from: m.request.from, to: m.request.to, demandMbps: m.request.bandwidthMbps > 0 ? m.request.bandwidthMbps : Infinity })),
    );
    [...this.hosts.values()].forEach((h, i) => {
      h.achievedBackgroundTxMbps = rates.backgroundTxMbps[i]!;
      h.achievedBackgroundRxMbps = rates.backgroundRxMbps[i]!;
    });
    vms.forEach((vm, i) => {
      vm.achievedTxMbps = rates.vmTxMbps[i]!;
      vm.achievedRxMbps = rates.vmRxMbps[i]!;
    });
    this.sending = vms.filter((vm) => vm.state === 'running');
    for (const m of this.migrations) m.rateMbps = 0;
    transferring.forEach((m, i) => (m.rateMbps = rates.transferMbps[i]!));
  }
}
