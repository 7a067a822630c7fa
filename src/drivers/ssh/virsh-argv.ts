// Every virsh invocation tsmig runs, as argv arrays (quoted later by shell-quote.ts, nowhere else).
// Options are the ones libvirt 9.0's virsh accepts (see `virsh migrate --help` / virsh(1)).
import type { MigrationRequest } from '../driver.ts';
import { switchLoopWords } from './postcopy-switch-words.ts';

/** virsh reads a leading `-` as an option, so such a domain name would be misread. */
function domainArg(domain: string): string {
  if (domain === '' || domain.startsWith('-')) throw new Error(`unusable domain name ${JSON.stringify(domain)}`);
  return domain;
}

function virsh(uri: string, ...args: string[]): string[] {
  return ['virsh', '-c', uri, ...args];
}

export function virshListAll(uri: string): string[] {
  return virsh(uri, 'list', '--all');
}

export function virshDominfo(uri: string, domain: string): string[] {
  return virsh(uri, 'dominfo', domainArg(domain));
}

/** Interface counters of every running domain on the host in one call. */
export function virshDomstatsInterfaces(uri: string): string[] {
  return virsh(uri, 'domstats', '--interface', '--list-running', '--raw');
}

/** Running domains' names, one a line (libvirt ≥ 0.9). */
export function virshListRunningNames(uri: string): string[] {
  return virsh(uri, 'list', '--name');
}

/**
 * Starts QEMU's dirty-rate calculation (libvirt ≥ 7.2); it runs for `seconds` (1–60) in the
 * background and `domstats --dirtyrate` reads the result. page-sampling (the default) also
 * works under TCG; dirty-ring needs KVM.
 */
export function virshDomdirtyrateCalc(uri: string, domain: string, seconds: number, mode?: 'page-sampling' | 'dirty-bitmap' | 'dirty-ring'): string[] {
  const whole = Math.min(60, Math.max(1, Math.round(seconds)));
  const argv = virsh(uri, 'domdirtyrate-calc', domainArg(domain), '--seconds', String(whole));
  if (mode) argv.push('--mode', mode);
  return argv;
}

/** The last dirty-rate calculation of every running domain. */
export function virshDomstatsDirtyrate(uri: string): string[] {
  return virsh(uri, 'domstats', '--dirtyrate', '--list-running', '--raw');
}

export interface DomjobinfoOptions {
  /** Statistics of the last finished job instead of the running one. */
  completed?: boolean;
  /** With `completed`: do not clear them (a second read would otherwise say None). */
  keepCompleted?: boolean;
}

export function virshDomjobinfo(uri: string, domain: string, options: DomjobinfoOptions = {}): string[] {
  const argv = virsh(uri, 'domjobinfo', domainArg(domain), '--rawstats');
  if (options.completed) argv.push('--completed');
  if (options.completed && options.keepCompleted) argv.push('--keep-completed');
  return argv;
}

const bytesPerMib = 1024 * 1024;

/** virsh's --bandwidth is MiB/s; the playbook's is Mbit/s. Rounded down (never above the limit), at least 1. */
export function bandwidthMibPerS(bandwidthMbps: number): number {
  return Math.max(1, Math.floor((bandwidthMbps * 1e6) / 8 / bytesPerMib));
}

/**
 * The destination URI for `virsh migrate`: qemu+ssh to the destination's migration address,
 * keeping the path of its libvirt URI (`qemu:///system` → `/system`).
 */
export function migrationDestinationUri(migrationAddress: string, destinationLibvirtUri: string): string {
  const path = /^[a-z0-9+]+:\/\/[^/]*(\/[^?#]*)/i.exec(destinationLibvirtUri)?.[1] ?? '/system';
  return `qemu+ssh://${migrationAddress}${path}`;
}

export type MigrateOptions = Pick<
  MigrationRequest,
  'vm' | 'mode' | 'bandwidthMbps' | 'autoConverge' | 'persistent' | 'undefineSource' | 'postcopySwitch'
>;

/**
 * Pre-copy speed (MiB/s) while a post-copy migration waits for its switch: a small guest's first
 * pass is over in < 0.4 s, and a switch requested as pre-copy completes does not take effect (or
 * lands in the stop-and-copy). Held this slow, pre-copy cannot finish first; post-copy itself runs
 * at --postcopy-bandwidth (QEMU: unlimited unless set).
 */
export const precopyHoldMibPerS = 1;

/**
 * `virsh migrate --live --verbose`, run on the source. Post-copy only enables it (`--postcopy`):
 * the switch is a separate `migrate-postcopy` (`--postcopy-after-precopy` is far too slow, test/lab/README.md),
 * and an immediate switch starts pre-copy held at precopyHoldMibPerS.
 * Max downtime has no migrate option in 9.0: see virshMigrateSetMaxDowntime.
 * No --copy-storage-*: guests' disks are shared or absent.
 */
export function virshMigrate(sourceUri: string, destinationUri: string, options: MigrateOptions): string[] {
  const argv = virsh(sourceUri, 'migrate', '--live', '--verbose');
  const limitMibPerS = options.bandwidthMbps > 0 ? String(bandwidthMibPerS(options.bandwidthMbps)) : undefined;
  if (options.mode === 'post-copy') {
    argv.push('--postcopy');
    if (options.postcopySwitch === 'immediate') argv.push('--bandwidth', String(precopyHoldMibPerS));
    else if (limitMibPerS) argv.push('--bandwidth', limitMibPerS);
    if (limitMibPerS) argv.push('--postcopy-bandwidth', limitMibPerS);
  } else if (limitMibPerS) {
    argv.push('--bandwidth', limitMibPerS);
  }
  if (options.autoConverge) argv.push('--auto-converge');
  if (options.persistent) argv.push('--persistent');
  if (options.undefineSource) argv.push('--undefinesource');
  argv.push(domainArg(options.vm), destinationUri);
  return argv;
}

/**
 * Recovery after a post-copy migration broke after the switch: the same migrate command with
 * --postcopy-resume (virsh(1)), run on the source.
 */
export function virshMigratePostcopyResume(sourceUri: string, destinationUri: string, options: MigrateOptions): string[] {
  const argv = virshMigrate(sourceUri, destinationUri, { ...options, mode: 'post-copy' });
  argv.splice(argv.indexOf('--postcopy') + 1, 0, '--postcopy-resume');
  return argv;
}

/** Bandwidth to restore when a switch never gets through: 1 TiB/s, i.e. no limit. */
const unlimitedMibPerS = 1024 * 1024;

export interface PostcopySwitchLoopOptions {
  retryMs: number;
  afterFirstPass: boolean;
  /** Tries before giving up: pre-copy then gets `restoreMibPerS` back and finishes as pre-copy. */
  maxTries: number;
  /** The pre-copy limit to restore on giving up (MiB/s, 0 = unlimited). */
  restoreMibPerS: number;
}

/**
 * The post-copy switch, run on the source as one loop (a round-trip per try from the engine is
 * too slow): with afterFirstPass, wait until the job reports its second pass over memory and
 * hold pre-copy at precopyHoldMibPerS; then retry `migrate-postcopy` every retryMs until QEMU
 * accepts it (it refuses until its migration has started) and print "requested"; then print
 * "switched" once the source domain is "paused (post-copy)" (the lifecycle event "Suspended
 * Post-copy" says the same). The words, one per line, are postcopy-switch-words.ts's, passed in
 * as arguments. Wrap in untilInputEnds so that ending our input stops it.
 */
export function virshPostcopySwitchLoop(uri: string, domain: string, options: PostcopySwitchLoopOptions): string[] {
  const script = [
    'if [ "$4" = after-first-pass ]; then',
    '  until virsh -c "$1" domjobinfo "$2" --rawstats 2>/dev/null | awk -F": " \'$1 == "memory_iteration" && $2 >= 2 { n = 1 } END { exit !n }\'; do sleep "$3"; done',
    '  virsh -c "$1" migrate-setspeed "$2" "$7" >/dev/null',
    'fi',
    'n=0',
    'until virsh -c "$1" migrate-postcopy "$2" 2>/dev/null; do',
    '  n=$((n + 1))',
    '  if [ "$n" -ge "$5" ]; then virsh -c "$1" migrate-setspeed "$2" "$6" >/dev/null; echo "$8"; exit 1; fi',
    '  sleep "$3"',
    'done',
    'echo "$9"',
    // The switch itself: the source domain shows "paused (post-copy)" (unless pre-copy ended first).
    'n=0',
    'while [ "$n" -lt "$5" ]; do',
    '  st=$(virsh -c "$1" domstate "$2" --reason 2>/dev/null) || exit 0',
    '  case "$st" in *post-copy*) echo "${10}"; exit 0 ;; esac',
    '  n=$((n + 1))',
    '  sleep "$3"',
    'done',
  ].join('\n');
  return [
    'sh', '-c', script, 'sh', uri, domainArg(domain), (options.retryMs / 1000).toFixed(3),
    options.afterFirstPass ? 'after-first-pass' : 'immediate',
    String(options.maxTries),
    String(options.restoreMibPerS > 0 ? options.restoreMibPerS : unlimitedMibPerS),
    String(precopyHoldMibPerS),
    switchLoopWords.gaveUp,
    switchLoopWords.requested,
    switchLoopWords.switched,
  ];
}

/** Max tolerable downtime of the running migration job, in ms (on the source, once the job runs). */
export function virshMigrateSetMaxDowntime(uri: string, domain: string, maxDowntimeMs: number): string[] {
  return virsh(uri, 'migrate-setmaxdowntime', domainArg(domain), String(Math.max(1, Math.round(maxDowntimeMs))));
}

/**
 * Abort the running job. Before a post-copy switch this cancels it; after the switch (neither side
 * has the whole VM) only with `postcopy`, which pauses it for `migrate --postcopy-resume`.
 */
export function virshDomjobabort(uri: string, domain: string, options: { postcopy?: boolean } = {}): string[] {
  const argv = virsh(uri, 'domjobabort', domainArg(domain));
  if (options.postcopy) argv.push('--postcopy');
  return argv;
}

/**
 * Prints every event of the domain until killed; started on the source before the migration.
 * All types (not only job-completed): the lifecycle event "Suspended Post-copy" is libvirt's
 * own word that the post-copy switch happened, and job-completed is the only place with final
 * stats after post-copy of a transient domain (test/lab/README.md).
 */
export function virshDomainEvents(uri: string, domain: string): string[] {
  return virsh(uri, 'event', '--domain', domainArg(domain), '--all', '--loop', '--timestamp');
}

/** Every event of every domain on the host, until killed: the host's event stream (host-event-streams.ts). */
export function virshAllEvents(uri: string): string[] {
  return virsh(uri, 'event', '--all', '--loop', '--timestamp');
}

/**
 * Wraps a long-running command so it ends when its stdin does: closing our side of the channel
 * (or losing the connection) then stops it on the host too, where a bare `virsh event --loop`
 * would wait for events forever. Exit status is the command's own.
 */
export function untilInputEnds(argv: string[]): string[] {
  return ['sh', '-c', '"$@" & pid=$!; cat >/dev/null; kill "$pid" 2>/dev/null; wait "$pid"', 'sh', ...argv];
}

/**
 * Runs argv as the same process after printing its pid on stdout's first line, so that the
 * process can be ended on the host later (`kill PID`): closing an SSH channel does not end a
 * command blocked on its own connection (OpenSSH ignores the channel's signal request).
 */
export function reportingPid(argv: string[]): string[] {
  return ['sh', '-c', 'echo "$$"; exec "$@"', 'sh', ...argv];
}

/** Ends a process on the host that reportingPid ran (SIGTERM: virsh then closes its connections). */
export function killProcess(pid: number): string[] {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a process id: ${pid}`);
  return ['kill', String(pid)];
}
