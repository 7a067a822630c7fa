// The real backend: libvirt hosts reached over SSH, driven with virsh. Facts only, no policy.
import type { CounterReading, DirtyRateReading, Driver, MigrationOutcome, MigrationProgress, MigrationRequest, SamplingWindow, VmInfo } from '../driver.ts';
import type { InventoryHost } from '../../playbook/types.ts';
import { HostUnreachableError } from '../../errors.ts';
import { wallClock } from '../wall-clock.ts';
import { measureDirtyRatesOverSsh } from './dirty-rate-sampler.ts';
import { CounterSamplerStream, readingsFromTicks, type SamplerTick } from './counter-sampler-parse.ts';
import { counterSamplerArgv, readingsInWindow } from './counter-sampler-script.ts';
import { defaultSshMigrationSettings, migrateOverSsh, type SshMigrationSettings } from './ssh-migrate.ts';
import { RemoteCommandError, SshPool } from './ssh-pool.ts';
import { HostEventStreams } from './host-event-streams.ts';
import { commandLine } from './shell-quote.ts';
import { postcopyResumeHint } from './postcopy-resume-hint.ts';
import { virshDominfo, virshDomstatsInterfaces, virshListAll } from './virsh-argv.ts';
import { isDomainGoneError, parseDominfo, parseListAll } from './virsh-parse.ts';

export interface SshDriverOptions {
  pool?: SshPool;
  migration?: Partial<SshMigrationSettings>;
  /** Extra time the sampler may take beyond its window before it is given up. */
  samplerGraceMs?: number;
}

function vmState(state: string): VmInfo['state'] {
  return state === 'running' || state === 'paused' || state === 'shut off' ? state : 'other';
}

export function createSshDriver(hosts: InventoryHost[], log: (line: string) => void = () => {}, options: SshDriverOptions = {}): Driver {
  const pool = options.pool ?? new SshPool(hosts, log);
  const clock = wallClock;
  const hostEvents = new HostEventStreams(pool, log);
  const migration = { pool, clock, log, settings: { ...defaultSshMigrationSettings, ...options.migration }, hostEvents };
  const samplerGraceMs = options.samplerGraceMs ?? 30_000;

  return {
    kind: 'ssh',
    clock,

    async connect(names: string[]): Promise<void> {
      // In parallel; the first failure (naming its host) rejects at once.
      await Promise.all(names.map((name) => pool.connect(name)));
      // Opened now, so that they are open long before the first migration ends.
      for (const name of names) hostEvents.open(name);
    },

    async listVms(host: string): Promise<VmInfo[]> {
      const uri = pool.host(host).libvirtUri;
      const listed = parseListAll(await pool.run(host, virshListAll(uri)));
      const infos = await Promise.all(
        listed.map(async (domain): Promise<VmInfo | undefined> => {
          try {
            const info = parseDominfo(await pool.run(host, virshDominfo(uri, domain.name)));
            return { name: domain.name, memoryMib: info.maxMemoryKib / 1024, vcpus: info.vcpus, state: vmState(info.state) };
          } catch (error) {
            // A transient domain that left between the two calls (a migration ended) is not there any more.
            if (error instanceof RemoteCommandError && isDomainGoneError(error.stderr)) return undefined;
            throw error;
          }
        }),
      );
      return infos.filter((i): i is VmInfo => i !== undefined);
    },

    async sampleCounters(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<CounterReading[]> {
      const h = pool.host(host);
      const argv = counterSamplerArgv({
        libvirtUri: h.libvirtUri,
        nic: h.nic ?? '',
        intervalMs: window.intervalMs,
        readings: readingsInWindow(window.durationMs, window.intervalMs),
      });
      const stream = new CounterSamplerStream();
      const ticks: SamplerTick[] = [];
      let firstTickLocalMs = 0;
      let streamError: Error | undefined;
      const stop = new AbortController();
      const stopSampler = (): void => stop.abort();
      signal?.addEventListener('abort', stopSampler, { once: true });
      const overdue = setTimeout(stopSampler, window.durationMs + samplerGraceMs);
      try {
        const result = await pool.exec(host, argv, {
          signal: stop.signal,
          onStdout: (chunk) => {
            try {
              for (const tick of stream.push(chunk)) {
                if (ticks.length === 0) firstTickLocalMs = clock.nowMs();
                ticks.push(tick);
              }
            } catch (error) {
              streamError ??= error as Error;
            }
          },
        });
        if (signal?.aborted) throw signal.reason;
        if (result.connectionLost) {
          throw new HostUnreachableError(host, `the SSH connection was lost during measurement; nothing was migrated. Check sshd and the network on ${host}, then run again`);
        }
        if (result.aborted) throw new RemoteCommandError(host, 'counter sampler', null, `no end after ${window.durationMs + samplerGraceMs} ms`);
        if (streamError) throw new Error(`${host}: counter sampler output: ${streamError.message}`);
        const failed = ticks.find((t) => t.domstatsError);
        if (result.exitCode !== 0 || failed) {
          throw new RemoteCommandError(host, commandLine(virshDomstatsInterfaces(h.libvirtUri)), result.exitCode, result.stderr || failed?.domstatsError || '');
        }
        return readingsFromTicks(ticks, stream.macs, firstTickLocalMs);
      } finally {
        clearTimeout(overdue);
        signal?.removeEventListener('abort', stopSampler);
      }
    },

    measureDirtyRates(host: string, window: SamplingWindow, signal?: AbortSignal): Promise<DirtyRateReading[]> {
      return measureDirtyRatesOverSsh(pool, clock, host, window, signal);
    },

    migrate(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome> {
      return migrateOverSsh(migration, request, onProgress, signal);
    },

    resumePostcopy(request: MigrationRequest, onProgress: (p: MigrationProgress) => void, signal: AbortSignal): Promise<MigrationOutcome> {
      return migrateOverSsh(migration, request, onProgress, signal, { resume: true });
    },

    postcopyResumeHint(request: MigrationRequest): string {
      return postcopyResumeHint(pool.host(request.from), pool.host(request.to), request);
    },

    locateVmHint(_vm: string, hosts: string[]): string {
      return `virsh list --all on ${hosts.join(' and ')}`;
    },

    close: async () => {
      await hostEvents.close();
      await pool.close();
    },
  };
}
