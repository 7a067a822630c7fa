// What every part of a migration over SSH shares: the pool, the clock, the log, the settings,
// and the two ends of this migration.
import type { Clock, MigrationRequest } from '../driver.ts';
import type { InventoryHost } from '../../playbook/types.ts';
import type { SshPool } from './ssh-pool.ts';
import type { HostEventStreams } from './host-event-streams.ts';
import { migrationDestinationUri } from './virsh-argv.ts';

export interface SshMigrationSettings {
  /**
   * domjobinfo polling on the source while the migration runs. Each poll is a virsh process on
   * the source, competing with the migration for its CPU; between polls, progress comes from
   * virsh migrate's own --verbose percentages, which cost nothing more.
   */
  progressPollMs: number;
  /** The first poll, which also sets the max downtime (the job must exist first), comes this soon. */
  firstPollMs: number;
  /** How often the source checks for the moment to switch to post-copy, and retries the switch. */
  switchRetryMs: number;
  /** After this long without an accepted switch the source stops trying (a held pre-copy is released). */
  switchGiveUpMs: number;
  /** How long to wait for the job-completed event after `virsh migrate` returned. */
  finalEventWaitMs: number;
  /**
   * How long a pre-copy's confirming events (host-event-streams.ts) may take to arrive after
   * `virsh migrate` returned before both hosts are asked with virsh instead.
   */
  eventConfirmWaitMs: number;
  /** How long the destination may take to show the domain running after `virsh migrate` returned. */
  verifyWaitMs: number;
  /**
   * How long virsh migrate may go on after a cancel (domjobabort) before it is killed on the
   * source: longer than libvirt's keepalive (~35 s), which ends a connection lost mid-migration.
   */
  abortGraceMs: number;
}

export const defaultSshMigrationSettings: SshMigrationSettings = {
  progressPollMs: 5000,
  firstPollMs: 1000,
  switchRetryMs: 100,
  switchGiveUpMs: 60_000,
  finalEventWaitMs: 3000,
  eventConfirmWaitMs: 500,
  verifyWaitMs: 5000,
  abortGraceMs: 40_000,
};

export interface SshMigrationContext {
  pool: SshPool;
  clock: Clock;
  log: (line: string) => void;
  settings: SshMigrationSettings;
  /** Each host's event stream, when the driver keeps them (without, every check asks virsh). */
  hostEvents?: HostEventStreams;
}

/** The two hosts of one migration, with the URIs virsh needs and the tag its log lines carry. */
export interface MigrationEnds {
  vm: string;
  source: InventoryHost;
  destination: InventoryHost;
  sourceUri: string;
  /** Where `virsh migrate` on the source sends the VM (qemu+ssh to the migration address). */
  destinationUri: string;
  tag: string;
}

export function migrationEnds(ctx: SshMigrationContext, request: MigrationRequest, resume: boolean): MigrationEnds {
  const source = ctx.pool.host(request.from);
  const destination = ctx.pool.host(request.to);
  return {
    vm: request.vm,
    source,
    destination,
    sourceUri: source.libvirtUri,
    destinationUri: migrationDestinationUri(destination.migrationAddress, destination.libvirtUri),
    tag: `${request.vm} ${source.name}→${destination.name} (attempt ${request.attempt}${resume ? ', post-copy resume' : ''})`,
  };
}
