// Two in-process SSH "hosts" (hostA, hostB on 127.0.0.1) whose `virsh` is ssh-fake-virsh.mjs,
// sharing one state dir: what the ssh driver's unit tests run against instead of the lab.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InventoryHost } from '../../src/playbook/types.ts';
import { startTestSshServer, writeClientKey, writeKnownHosts, type TestSshServer } from './ssh-test-server.ts';

export interface FakeDomain {
  name: string;
  state: string;
  memoryKib: number;
  vcpus: number;
  mac: string;
  vnet: string;
  txBps: number;
  rxBps: number;
  bootMs: number;
  persistent: boolean;
  maxDowntimeMs?: number;
  migrateArgs?: string[];
  /** migrate-setspeed values during its last incoming migration. */
  speeds?: number[];
  /** "post-copy failed": paused on the source, running but incomplete on the destination. */
  postcopyFailed?: boolean;
  /** What `domdirtyrate-calc` measures (default 0). */
  dirtyMibPerS?: number;
}

export const gsend: FakeDomain = { name: 'gsend', state: 'running', memoryKib: 196608, vcpus: 1, mac: '52:54:00:00:00:11', vnet: 'vnet3', txBps: 1_733_000, rxBps: 40_900, bootMs: 0, persistent: false };
export const grecv: FakeDomain = { name: 'grecv', state: 'running', memoryKib: 262144, vcpus: 1, mac: '52:54:00:00:00:12', vnet: 'vnet2', txBps: 40_900, rxBps: 1_733_000, bootMs: 0, persistent: false, dirtyMibPerS: 16 };

export interface FakeLab {
  servers: Record<'hostA' | 'hostB', TestSshServer>;
  /** How long a fake `virsh migrate` takes (the requested length, longer on a loaded machine). */
  migrateMs: number;
  /** How long starting one stand-in virsh took when the lab started (~50 ms idle). */
  commandStartMs: number;
  inventoryHost(name: string, over?: Partial<InventoryHost>): InventoryHost;
  /** Both guests running on hostA, nothing on hostB, no host down. */
  reset(): void;
  /** Make a host's libvirtd "stopped" (every virsh call fails). */
  stopLibvirtd(host: 'hostA' | 'hostB'): void;
  /** VMs migrating to this host die as they arrive. */
  crashOnArrival(host: 'hostA' | 'hostB'): void;
  /** A paused post-copy to this host finishes by itself just as its resume is called. */
  finishBeforeResume(host: 'hostA' | 'hostB'): void;
  /** virsh migrate to this host never gets an answer from it: blocked before any job exists. */
  leaveUnanswered(host: 'hostA' | 'hostB'): void;
  /** Post-copy migrations to this host stop moving after the switch (packets silently dropped). */
  stallPostcopyTo(host: 'hostA' | 'hostB', stalled: boolean): void;
  readDomain(host: string, name: string): FakeDomain | undefined;
  close(): Promise<void>;
}

/**
 * Every step of the driver (a poll, a switch, an abort) starts a stand-in virsh, a node process:
 * on a loaded machine that takes many times longer than on an idle one. The fake migration is
 * stretched to at least 12 such starts, so what the tests race (an abort or a switch against the
 * migration's end) happens in the same order at any load. Idle, the requested length stands.
 */
function slowestNodeStartMs(): number {
  let slowestMs = 0;
  for (let i = 0; i < 3; i++) {
    const startedMs = Date.now();
    execFileSync(process.execPath, ['-e', '']);
    slowestMs = Math.max(slowestMs, Date.now() - startedMs);
  }
  return slowestMs;
}

export async function startFakeLab(requestedMigrateMs = 1200): Promise<FakeLab> {
  const commandStartMs = slowestNodeStartMs();
  const migrateMs = Math.max(requestedMigrateMs, commandStartMs * 12);
  const work = mkdtempSync(join(tmpdir(), 'tsmig-fake-lab-'));
  const bin = join(work, 'bin');
  const state = join(work, 'state');
  mkdirSync(bin);
  writeFileSync(join(bin, 'virsh'), `#!/bin/sh\nexec ${process.execPath} ${fileURLToPath(new URL('./ssh-fake-virsh.mjs', import.meta.url))} "$@"\n`);
  chmodSync(join(bin, 'virsh'), 0o755);
  // `tail … /var/log/libvirt/qemu/NAME.log` reads the fake host's QEMU log instead.
  writeFileSync(
    join(bin, 'tail'),
    '#!/bin/sh\nfor last; do :; done\ncase "$last" in /var/log/libvirt/qemu/*) ;; *) exit 64 ;; esac\n' +
      'PATH=/usr/bin:/bin exec tail -n "$2" -- "$FAKE_VIRSH_DIR/$FAKE_VIRSH_HOST/qemu/${last##*/}"\n',
  );
  chmodSync(join(bin, 'tail'), 0o755);
  const env = (host: string): Record<string, string> => ({
    PATH: `${bin}:${process.env.PATH}`,
    FAKE_VIRSH_DIR: state,
    FAKE_VIRSH_HOST: host,
    FAKE_MIGRATE_MS: String(migrateMs),
  });
  const servers = {
    hostA: await startTestSshServer({ env: env('hostA') }),
    hostB: await startTestSshServer({ env: env('hostB') }),
  };
  const identityFile = writeClientKey();
  const knownHostsFile = writeKnownHosts(Object.values(servers).map((s) => `[127.0.0.1]:${s.port} ${s.publicKey}`));
  const lab: FakeLab = {
    servers,
    migrateMs,
    commandStartMs,
    inventoryHost: (name, over = {}) => ({
      name,
      nicMbps: 1000,
      address: '127.0.0.1',
      port: servers[name as 'hostA' | 'hostB']?.port ?? 1,
      user: 'root',
      identityFile,
      knownHostsFile,
      hostKeyChecking: true,
      libvirtUri: 'qemu:///system',
      nic: 'lo',
      migrationAddress: name,
      connectTimeoutMs: 3000,
      background: { txMbps: 0, rxMbps: 0 },
      simVms: [],
      ...over,
    }),
    reset: () => {
      rmSync(state, { recursive: true, force: true });
      for (const h of ['hostA', 'hostB']) mkdirSync(join(state, h), { recursive: true });
      for (const d of [gsend, grecv]) writeFileSync(join(state, 'hostA', `${d.name}.json`), JSON.stringify({ ...d, bootMs: Date.now() - 60_000 }));
    },
    stopLibvirtd: (host) => writeFileSync(join(state, host, 'down'), ''),
    crashOnArrival: (host) => writeFileSync(join(state, host, 'crash-on-arrival'), ''),
    leaveUnanswered: (host) => writeFileSync(join(state, host, 'unanswered'), ''),
    finishBeforeResume: (host) => writeFileSync(join(state, host, 'finish-before-resume'), ''),
    stallPostcopyTo: (host, stalled) => (stalled ? writeFileSync(join(state, host, 'stall'), '') : rmSync(join(state, host, 'stall'), { force: true })),
    readDomain: (host, name) => {
      const f = join(state, host, `${name}.json`);
      return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as FakeDomain) : undefined;
    },
    close: async () => {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      rmSync(work, { recursive: true, force: true });
    },
  };
  lab.reset();
  return lab;
}
