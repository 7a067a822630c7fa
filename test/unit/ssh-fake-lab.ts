// Two in-process SSH "hosts" (hostA, hostB on 127.0.0.1) whose `virsh` is answered by the test
// process (ssh-fake-virsh.ts through ssh-fake-exec-relay.ts), sharing one state: what the ssh
// driver's unit tests run against instead of the lab.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { InventoryHost } from '../../src/playbook/types.ts';
import { startExecRelay } from './ssh-fake-exec-relay.ts';
import { FakeVirshHosts, type FakeDomain } from './ssh-fake-virsh.ts';
import { startTestSshServer, writeClientKey, writeKnownHosts, type TestSshServer } from './ssh-test-server.ts';

export type { FakeDomain } from './ssh-fake-virsh.ts';

export const gsend: FakeDomain = { name: 'gsend', state: 'running', memoryKib: 196608, vcpus: 1, mac: '52:54:00:00:00:11', vnet: 'vnet3', txBps: 1_733_000, rxBps: 40_900, bootMs: 0, persistent: false };
export const grecv: FakeDomain = { name: 'grecv', state: 'running', memoryKib: 262144, vcpus: 1, mac: '52:54:00:00:00:12', vnet: 'vnet2', txBps: 40_900, rxBps: 1_733_000, bootMs: 0, persistent: false, dirtyMibPerS: 16 };

export interface FakeLab {
  servers: Record<'hostA' | 'hostB', TestSshServer>;
  /** How long a fake `virsh migrate` takes (the requested length, longer on a loaded machine). */
  migrateMs: number;
  /** How long one stand-in virsh call (sh, the script, the answer) took when the lab started (a few ms idle). */
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
  /** Every domain on this host leaves between `virsh list` and `dominfo`, as at a migration's end. */
  domainsLeaving(host: 'hostA' | 'hostB'): void;
  readDomain(host: string, name: string): FakeDomain | undefined;
  close(): Promise<void>;
}

/**
 * Every step of the driver (a poll, a switch, an abort) runs a stand-in virsh through sh: on a
 * loaded machine that takes many times longer than on an idle one. The fake migration is
 * stretched to at least 12 such calls, so what the tests race (an abort or a switch against the
 * migration's end) happens in the same order at any load. Idle, the requested length stands.
 */
async function slowestCommandMs(env: Record<string, string>): Promise<number> {
  let slowestMs = 0;
  for (let i = 0; i < 3; i++) {
    const startedMs = Date.now();
    await promisify(execFile)('sh', ['-c', 'virsh -c qemu:///system list --name'], { env: { ...process.env, ...env } });
    slowestMs = Math.max(slowestMs, Date.now() - startedMs);
  }
  return slowestMs;
}

export async function startFakeLab(requestedMigrateMs = 1200): Promise<FakeLab> {
  const hosts = new FakeVirshHosts(requestedMigrateMs);
  const work = mkdtempSync(join(tmpdir(), 'tsmig-fake-lab-'));
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const relay = await startExecRelay(bin, ['virsh', 'tail'], (host, program, argv, io) => hosts.run(host, program, argv, io));
  const env = (host: string): Record<string, string> => ({ PATH: `${bin}:${process.env.PATH}`, ...relay.env(host) });
  const servers = {
    hostA: await startTestSshServer({ env: env('hostA') }),
    hostB: await startTestSshServer({ env: env('hostB') }),
  };
  const identityFile = writeClientKey();
  const knownHostsFile = writeKnownHosts(Object.values(servers).map((s) => `[127.0.0.1]:${s.port} ${s.publicKey}`));
  const reset = (): void => hosts.reset({ hostA: [gsend, grecv].map((d) => ({ ...d, bootMs: Date.now() - 60_000 })), hostB: [] });
  reset();
  const commandStartMs = await slowestCommandMs(env('hostA'));
  hosts.migrateMs = Math.max(requestedMigrateMs, commandStartMs * 12);
  const lab: FakeLab = {
    servers,
    migrateMs: hosts.migrateMs,
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
    reset,
    stopLibvirtd: (host) => hosts.setFlag(host, 'down'),
    crashOnArrival: (host) => hosts.setFlag(host, 'crash-on-arrival'),
    leaveUnanswered: (host) => hosts.setFlag(host, 'unanswered'),
    finishBeforeResume: (host) => hosts.setFlag(host, 'finish-before-resume'),
    stallPostcopyTo: (host, stalled) => hosts.setFlag(host, 'stall', stalled),
    domainsLeaving: (host) => hosts.setFlag(host, 'leaving'),
    readDomain: (host, name) => hosts.readDomain(host, name),
    close: async () => {
      await Promise.all(Object.values(servers).map((s) => s.close()));
      await relay.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return lab;
}
