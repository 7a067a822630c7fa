// The embedded simulator as a Driver: same contract as the ssh driver, virtual time, no hypervisor.
import { HostUnreachableError, MigrationFailedError } from '../../errors.ts';
import type { Inventory } from '../../playbook/types.ts';
import { asksToPausePostcopy, type CounterReading, type DirtyRateReading, type Driver, type MigrationOutcome, type MigrationProgress, type MigrationRequest, type SamplingWindow, type VmInfo } from '../driver.ts';
import { createRandom } from '../../util/random.ts';
import { BYTES_PER_MIB, SimWorld, type SimMigration } from './sim-world.ts';
import { VirtualClock } from './virtual-clock.ts';

/** How often a running migration reports progress, in virtual time. */
const PROGRESS_INTERVAL_MS = 1000;

export interface SimDriver extends Driver {
  readonly kind: 'sim';
  readonly clock: VirtualClock;
  readonly world: SimWorld;
}

export function createSimDriver(inventory: Inventory): SimDriver {
  const clock = new VirtualClock();
  const world = new SimWorld(inventory);
  clock.attach(world);
  const random = createRandom(inventory.simSeed);
  // Its own stream, so measuring dirty rates leaves the traffic noise as it was.
  const dirtyRandom = createRandom(inventory.simSeed ^ 0xd1e7);
  const hostNames = new Set(inventory.hosts.map((h) => h.name));

  const requireHost = (host: string): void => {
    if (!hostNames.has(host)) throw new HostUnreachableError(host, 'not in the simulated inventory');
  };

  return {
    kind: 'sim',
    clock,
    world,

    async connect(hosts: string[]): Promise<void> {
      hosts.forEach(requireHost);
    },

    async listVms(host: string): Promise<VmInfo[]> {
      requireHost(host);
      return [...world.vms.values()]
        .filter((vm) => vm.host === host)
        .map((vm) => ({ name: vm.spec.name, memoryMib: vm.spec.memoryMib, vcpus: vm.spec.vcpus, state: vm.state }));
    },

    async sampleCounters(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<CounterReading[]> {
      requireHost(host);
      // Noise perturbs each interval's byte counts, like real traffic jitter; counters stay monotonic.
      const noisy = new Map<string, { txBytes: number; rxBytes: number; lastTx: number; lastRx: number }>();
      const jitter = (delta: number): number => Math.max(0, delta * (1 + inventory.simNoise * (2 * random() - 1)));
      const read = (): CounterReading => {
        const h = world.hosts.get(host)!;
        const reading: CounterReading = { atMs: clock.nowMs(), nic: { txBytes: h.nicTxBytes, rxBytes: h.nicRxBytes }, vms: {} };
        for (const vm of world.vms.values()) {
          if (vm.host !== host) continue;
          const n = noisy.get(vm.spec.name) ?? { txBytes: vm.txBytes, rxBytes: vm.rxBytes, lastTx: vm.txBytes, lastRx: vm.rxBytes };
          n.txBytes += jitter(vm.txBytes - n.lastTx);
          n.rxBytes += jitter(vm.rxBytes - n.lastRx);
          n.lastTx = vm.txBytes;
          n.lastRx = vm.rxBytes;
          noisy.set(vm.spec.name, n);
          reading.vms[vm.spec.name] = { txBytes: n.txBytes, rxBytes: n.rxBytes };
        }
        return reading;
      };
      const readings = [read()];
      const ticks = Math.max(1, Math.round(window.durationMs / window.intervalMs));
      for (let i = 0; i < ticks; i++) {
        await clock.sleep(window.intervalMs, signal);
        readings.push(read());
      }
      return readings;
    },

    async measureDirtyRates(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<DirtyRateReading[]> {
      requireHost(host);
      // One noisy reading per interval, averaged, as the traffic counters are.
      const sumMibPerS = new Map<string, number>();
      const ticks = Math.max(1, Math.round(window.durationMs / window.intervalMs));
      for (let i = 0; i < ticks; i++) {
        await clock.sleep(window.intervalMs, signal);
        for (const vm of world.vms.values()) {
          if (vm.host !== host || vm.state !== 'running') continue;
          const reading = Math.max(0, vm.spec.dirtyMibPerS * (1 + inventory.simNoise * (2 * dirtyRandom() - 1)));
          sumMibPerS.set(vm.spec.name, (sumMibPerS.get(vm.spec.name) ?? 0) + reading);
        }
      }
      return [...sumMibPerS].map(([vm, sum]) => ({ vm, dirtyMibPerS: sum / ticks }));
    },

    migrate(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome> {
      requireHost(request.from);
      requireHost(request.to);
      const vm = world.vms.get(request.vm);
      if (!vm) return Promise.reject(new MigrationFailedError(request.vm, 'no such domain', 'unknown', false));
      if (vm.host !== request.from) {
        return Promise.reject(new MigrationFailedError(request.vm, `not running on ${request.from} (it is on ${vm.host})`, 'unknown', false));
      }
      return follow(request, onProgress, signal, (settle) => world.startMigration(request, settle));
    },

    resumePostcopy(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome> {
      let outcome: ReturnType<SimWorld['resumeStalled']> = 'not-stalled';
      const started = follow(request, onProgress, signal, (settle) => {
        outcome = world.resumeStalled(request.vm, settle);
        if (outcome === 'still-down') throw new MigrationFailedError(request.vm, 'cannot resume post-copy yet: the fault persists', 'paused-in-postcopy', true, postcopyResumeHint(request));
        if (outcome === 'not-stalled') throw new MigrationFailedError(request.vm, 'no paused post-copy migration to resume', 'unknown', false);
        return outcome;
      });
      return started;
    },

    postcopyResumeHint,

    async close(): Promise<void> {},
  };

  /** The simulator has no command to run: its paused post-copy lives only in this process. */
  function postcopyResumeHint(request: MigrationRequest): string {
    return `nothing to run: ${request.from} and ${request.to} are simulated`;
  }

  /** Runs a sim migration to its end: progress every virtual second, aborts like domjobabort. */
  function follow(
    request: MigrationRequest,
    onProgress: (p: MigrationProgress) => void,
    signal: AbortSignal,
    begin: (settle: () => void) => SimMigration,
  ): Promise<MigrationOutcome> {
    const memoryBytes = (world.vms.get(request.vm)?.spec.memoryMib ?? 0) * BYTES_PER_MIB;
    return new Promise<MigrationOutcome>((resolve, reject) => {
      const stopProgress = new AbortController();
      let migration: SimMigration | undefined;
      const settle = (): void => {
        stopProgress.abort();
        const m = migration!;
        if (m.phase === 'done') {
          resolve({
            vm: request.vm,
            mode: request.mode,
            startedMs: m.startedMs,
            finishedMs: world.nowMs,
            transferredBytes: Math.round(m.transferredBytes),
            downtimeMs: m.downtimeMs,
            switchedAtMs: m.switchedAtMs,
          });
        } else {
          const vmOn = m.vmOn ?? 'source';
          reject(new MigrationFailedError(request.vm, m.error ?? 'migration failed', vmOn, true, vmOn === 'paused-in-postcopy' ? postcopyResumeHint(request) : undefined));
        }
      };
      try {
        migration = begin(settle);
      } catch (error) {
        reject(error);
        return;
      }
      clock.wake();
      const m = migration;
      signal.addEventListener(
        'abort',
        () => {
          // Like domjobabort: refused once a post-copy VM runs on the destination.
          const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
          // A switched post-copy is never cancelled; a timeout pauses it (the executor then resumes or gives up).
          if (world.abortMigration(m, `aborted: ${reason}`) || (asksToPausePostcopy(signal) && world.pausePostcopy(m, reason))) clock.wake();
        },
        { once: true, signal: stopProgress.signal },
      );
      void (async () => {
        try {
          for (;;) {
            await clock.sleep(PROGRESS_INTERVAL_MS, stopProgress.signal);
            onProgress({
              vm: request.vm,
              phase: m.phase === 'done' || m.phase === 'failed' ? 'post-copy' : m.phase,
              memoryTotalBytes: memoryBytes,
              memoryRemainingBytes: Math.round(m.phaseRemainingBytes),
              transferredBytes: Math.round(m.transferredBytes),
              rateMbps: m.rateMbps,
              iteration: m.iteration,
            });
          }
        } catch {
          // stopped: the migration settled
        }
      })();
    });
  }
}
