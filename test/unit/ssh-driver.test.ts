// The ssh driver end to end against two in-process SSH servers whose `virsh` is a stand-in
// (ssh-fake-virsh.ts, answered in this process) printing libvirt 9.0's formats: inventory, one
// sampler per host, pre-copy, post-copy with the switch, final stats from the right side, failure, abort,
// and a post-copy broken after the switch.
import { test, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { HostUnreachableError, MigrationFailedError } from '../../src/errors.ts';
import { MigrationAbortReason, type MigrationProgress, type MigrationRequest } from '../../src/drivers/driver.ts';
import { createSshDriver } from '../../src/drivers/ssh/ssh-driver.ts';
import { startFakeLab } from './ssh-fake-lab.ts';
import { migrationRequest } from '../helpers/migration-request.ts';

const lab = await startFakeLab();
const { servers, migrateMs, commandStartMs, inventoryHost, readDomain } = lab;
after(() => lab.close());
beforeEach(() => lab.reset());

function request(over: Partial<MigrationRequest>): MigrationRequest {
  return migrationRequest('gsend', 'hostA', 'hostB', { maxDowntimeMs: 0, ...over });
}

const fastPolls = { progressPollMs: 200, switchRetryMs: 50, finalEventWaitMs: 2000, verifyWaitMs: 2000 };
function driver(log: string[] = []) {
  return createSshDriver([inventoryHost('hostA'), inventoryHost('hostB')], (l) => log.push(l), { migration: fastPolls });
}

test('connect and list: name, memory, vCPUs and state from list --all + dominfo', async () => {
  const d = driver();
  await d.connect(['hostA', 'hostB']);
  assert.equal(d.kind, 'ssh');
  assert.deepEqual(await d.listVms('hostA'), [
    { name: 'grecv', memoryMib: 256, vcpus: 1, state: 'running' },
    { name: 'gsend', memoryMib: 192, vcpus: 1, state: 'running' },
  ]);
  assert.deepEqual(await d.listVms('hostB'), []);
  await d.close();
});

test('a domain that leaves between list and dominfo (a migration ending) is absent, not an error', async () => {
  const d = driver();
  await d.connect(['hostA']);
  lab.domainsLeaving('hostA');
  assert.deepEqual(await d.listVms('hostA'), []);
  await d.close();
});

test('connect fails fast naming the unreachable host', async () => {
  const d = createSshDriver([inventoryHost('hostA'), inventoryHost('hostC', { port: 1, connectTimeoutMs: 1000 })]);
  await assert.rejects(d.connect(['hostA', 'hostC']), (e: unknown) => e instanceof HostUnreachableError && e.host === 'hostC' && e.exitCode === 4);
  await d.close();
});

test('one sampler per host for the whole window: guest-view rates by VM, NIC counters, wall time ≈ window', async () => {
  const d = driver();
  await d.connect(['hostA']);
  const before = servers.hostA!.commands.length;
  const startedMs = Date.now();
  const readings = await d.sampleCounters('hostA', { durationMs: 2000, intervalMs: 500 });
  const tookMs = Date.now() - startedMs;
  await d.close();
  // The host's event stream (opened at connect, for migrations) is not part of the sampling.
  const sent = servers.hostA!.commands.slice(before).filter((c) => !c.includes(' event --all '));
  assert.equal(sent.length, 1, `one exec for the window, got: ${sent.join(' | ')}`);
  assert.match(sent[0]!, /^sh -c /);
  assert.equal(readings.length, 5);
  // Each reading runs stand-in virsh calls: the upper bound allows for a loaded machine's slow starts.
  const slackMs = 1500 + readings.length * commandStartMs * 3;
  assert.ok(tookMs >= 1900 && tookMs < 2000 + slackMs, `took ${tookMs} ms`);
  const first = readings[0]!;
  const last = readings.at(-1)!;
  const seconds = (last.atMs - first.atMs) / 1000;
  assert.ok(seconds >= 1.7 && seconds < 2 + slackMs / 1000, `readings span ${seconds} s`);
  const rate = (vm: string, dir: 'txBytes' | 'rxBytes'): number => (last.vms[vm]![dir] - first.vms[vm]![dir]) / seconds;
  assert.ok(Math.abs(rate('gsend', 'txBytes') / 1_733_000 - 1) < 0.1, `gsend tx ${rate('gsend', 'txBytes')}`);
  assert.ok(Math.abs(rate('grecv', 'rxBytes') / 1_733_000 - 1) < 0.1, `grecv rx ${rate('grecv', 'rxBytes')}`);
  assert.ok(rate('gsend', 'rxBytes') < 60_000 && rate('grecv', 'txBytes') < 60_000);
  assert.ok(readings.every((r) => r.nic.txBytes > 0 && r.nic.rxBytes > 0), 'lo counters via ip -s -j link');
  for (let i = 1; i < readings.length; i++) assert.ok(readings[i]!.atMs > readings[i - 1]!.atMs);
});

test('dirty rates: domdirtyrate-calc for each running domain, then domstats --dirtyrate, MiB/s per VM', async () => {
  const d = driver();
  await d.connect(['hostA']);
  const before = servers.hostA!.commands.length;
  const rates = await d.measureDirtyRates!('hostA', { durationMs: 3000, intervalMs: 1000 });
  await d.close();
  assert.deepEqual(
    rates.sort((a, b) => a.vm.localeCompare(b.vm)),
    [
      { vm: 'grecv', dirtyMibPerS: 16 },
      { vm: 'gsend', dirtyMibPerS: 0 },
    ],
  );
  const sent = servers.hostA!.commands.slice(before);
  assert.ok(sent.some((c) => /domdirtyrate-calc grecv --seconds 1$/.test(c)), sent.join(' | '));
  assert.ok(sent.some((c) => /domstats --dirtyrate --list-running --raw$/.test(c)), sent.join(' | '));
});

test('sampling a host whose libvirtd is down fails naming the host', async () => {
  const d = driver();
  await d.connect(['hostB']);
  lab.stopLibvirtd('hostB');
  await assert.rejects(d.sampleCounters('hostB', { durationMs: 500, intervalMs: 250 }), /hostB: .*domstats.*failed to connect to the hypervisor/s);
  await d.close();
});

test('pre-copy: virsh migrate on the source with the constraints, progress, its end and final stats from the hosts\' event streams', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  const progress: MigrationProgress[] = [];
  const sentBefore = { hostA: servers.hostA!.commands.length, hostB: servers.hostB!.commands.length };
  const outcome = await d.migrate(request({ bandwidthMbps: 64, maxDowntimeMs: 300, autoConverge: true }), (p) => progress.push(p), new AbortController().signal);
  const sentUntilOutcome = [...servers.hostA!.commands.slice(sentBefore.hostA), ...servers.hostB!.commands.slice(sentBefore.hostB)].join('\n');
  const hostA = await d.listVms('hostA');
  const hostB = await d.listVms('hostB');
  await d.close();
  assert.equal(outcome.vm, 'gsend');
  assert.equal(outcome.mode, 'pre-copy');
  assert.equal(outcome.switchedAtMs, undefined);
  assert.equal(outcome.downtimeMs, 172, 'from the source job-completed event');
  // Each host's event stream opened at connect; the outcome needed no virsh call after the migration.
  assert.ok([...servers.hostA!.commands, ...servers.hostB!.commands].filter((c) => c.endsWith('virsh -c qemu:///system event --all --loop --timestamp')).length >= 2);
  assert.doesNotMatch(sentUntilOutcome, / list --all| --completed/);
  assert.ok(log.some((l) => /phases: .*postchecks 0\.\d\d\d s/.test(l)), log.join('\n'));
  assert.equal(outcome.transferredBytes, (196608 * 1024) / 2);
  const tookMs = outcome.finishedMs - outcome.startedMs;
  assert.ok(tookMs >= migrateMs && tookMs < migrateMs + 15_000, `took ${tookMs} ms`);
  assert.ok(progress.length >= 2, `progress events: ${progress.length}`);
  assert.ok(progress.every((p) => p.vm === 'gsend' && p.phase === 'pre-copy' && p.memoryTotalBytes === 196608 * 1024));
  assert.ok(progress.at(-1)!.transferredBytes >= progress[0]!.transferredBytes);
  assert.ok(Math.abs(progress[0]!.rateMbps - (8413380 * 8) / 1e6) < 1e-9);
  assert.deepEqual(hostA.map((v) => v.name), ['grecv']);
  assert.deepEqual(hostB.map((v) => [v.name, v.state]), [['gsend', 'running']]);
  const arrived = readDomain('hostB', 'gsend')!;
  assert.deepEqual(arrived.migrateArgs, ['--live', '--verbose', '--bandwidth', '7', '--auto-converge', 'gsend', 'qemu+ssh://hostB/system']);
  assert.equal(arrived.maxDowntimeMs, 300, 'migrate-setmaxdowntime, kept by the job');
  const sentSinceMigrate = servers.hostA!.commands.slice(sentBefore.hostA);
  const setAt = sentSinceMigrate.findIndex((c) => c.includes('migrate-setmaxdowntime gsend 300'));
  const firstPollAt = sentSinceMigrate.findIndex((c) => /domjobinfo gsend --rawstats$/.test(c));
  assert.ok(setAt >= 0 && (firstPollAt < 0 || setAt < firstPollAt), `set as virsh migrate starts, before any poll: ${sentSinceMigrate.join(' | ')}`);
  const sentA = servers.hostA!.commands.join('\n');
  // Run as itself after printing its pid (to kill it if it ignores an abort).
  assert.match(sentA, /^sh -c 'echo "\$\$"; exec "\$@"' sh virsh -c qemu:\/\/\/system migrate --live --verbose --bandwidth 7 --auto-converge gsend qemu\+ssh:\/\/hostB\/system$/m);
  // A pre-copy needs no event monitor: starting one beside virsh migrate slowed the migration.
  assert.doesNotMatch(sentA, / event --domain gsend/);
  assert.ok(log.some((l) => l.includes('gsend hostA→hostB (attempt 1): hostA$ virsh -c qemu:///system migrate')));
  // Each step timed: the migration is exactly startedMs → finishedMs, the rest is what tsmig adds.
  const phases = outcome.phasesMs!;
  assert.equal(phases.migrateMs, outcome.finishedMs - outcome.startedMs);
  assert.ok(phases.prechecksMs >= 0 && phases.connectMs >= 0 && phases.postchecksMs > 0, JSON.stringify(phases));
  assert.ok(log.some((l) => /^gsend hostA→hostB \(attempt 1\): phases: prechecks \d+\.\d{3} s, connect \d+\.\d{3} s, migrate \d+\.\d{3} s, postchecks \d+\.\d{3} s$/.test(l)), log.join('\n'));
});

test('post-copy: switched with migrate-postcopy, final stats from the source job-completed event', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  const phases = new Set<string>();
  const outcome = await d.migrate(request({ vm: 'grecv', mode: 'post-copy' }), (p) => phases.add(p.phase), new AbortController().signal);
  const hostB = await d.listVms('hostB');
  await d.close();
  assert.equal(outcome.mode, 'post-copy');
  assert.ok(outcome.switchedAtMs !== undefined && outcome.switchedAtMs > outcome.startedMs && outcome.switchedAtMs < outcome.finishedMs);
  assert.equal(outcome.downtimeMs, 6, 'from the event: the destination has no stats after post-copy');
  assert.equal(outcome.transferredBytes, (262144 * 1024) / 2);
  assert.ok(phases.has('post-copy'), [...phases].join(','));
  assert.deepEqual(hostB.map((v) => [v.name, v.state]), [['grecv', 'running']]);
  assert.deepEqual(readDomain('hostB', 'grecv')!.migrateArgs, ['--live', '--verbose', '--postcopy', '--bandwidth', '1', 'grecv', 'qemu+ssh://hostB/system']);
  const switcher = servers.hostA!.commands.findLast((c) => c.includes('migrate-postcopy'));
  assert.ok(switcher?.endsWith(' sh qemu:///system grecv 0.050 immediate 1200 1048576 1 gave-up requested switched'), switcher);
  assert.ok(log.some((l) => /switched to post-copy after \d+ ms/.test(l)));
});

test('post-copy after the first pass: switched once the job reports iteration 2', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  const iterations: number[] = [];
  const outcome = await d.migrate(request({ vm: 'grecv', mode: 'post-copy', postcopySwitch: 'after-first-pass' }), (p) => iterations.push(p.iteration), new AbortController().signal);
  await d.close();
  assert.ok(outcome.switchedAtMs !== undefined);
  assert.ok(outcome.switchedAtMs - outcome.startedMs >= migrateMs / 3, `switched after ${outcome.switchedAtMs - outcome.startedMs} ms`);
  assert.equal(iterations[0], 1);
  const switcher = servers.hostA!.commands.findLast((c) => c.includes('migrate-postcopy'));
  assert.ok(switcher?.endsWith(' sh qemu:///system grecv 0.050 after-first-pass 1200 1048576 1 gave-up requested switched'), switcher);
  assert.deepEqual(readDomain('hostB', 'grecv')!.speeds, [1], 'pre-copy held at 1 MiB/s once the first pass was done');
});

test('failure with the destination libvirtd down: MigrationFailedError, VM still on the source, retryable', async () => {
  const d = driver();
  await d.connect(['hostA', 'hostB']);
  lab.stopLibvirtd('hostB');
  const error = await d.migrate(request({}), () => {}, new AbortController().signal).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  await d.close();
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'source');
  assert.equal(error.retryable, true);
  assert.equal(error.exitCode, 2);
  assert.match(error.message, /^gsend: virsh migrate failed \(Unable to read from monitor: Connection reset by peer\); the VM still runs on hostA$/);
  assert.equal(readDomain('hostA', 'gsend')?.state, 'running');
});

test('virsh migrate succeeds but the VM dies on arrival: failed, not retryable, nowhere to be found', async () => {
  const d = driver();
  await d.connect(['hostA', 'hostB']);
  lab.crashOnArrival('hostB');
  const error = await d.migrate(request({}), () => {}, new AbortController().signal).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  await d.close();
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'unknown');
  assert.equal(error.retryable, false);
  assert.equal(
    error.message.replace(/\d{4}-\d\d-\d\d [\d:.]+\+0000:/g, 'DATE:'),
    "gsend: virsh migrate finished, but the VM does not run on hostB; the VM runs on neither hostA nor hostB (virsh list --all on both): it may have died on arrival; " +
      '/var/log/libvirt/qemu/gsend.log on hostB ends: ' +
      'DATE: starting up libvirt version: 9.0.0, qemu version: 7.2.22, hostname: hostB | DATE: Domain id=1 is tainted: high-privileges | ' +
      'char device redirected to /dev/pts/2 (label charserial0) | DATE: shutting down, reason=shutdown',
  );
});

test('abort before a switch: domjobabort, the VM stays on the source', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  const abort = new AbortController();
  // Aborted at the first progress report, so the job is surely running (a timer could fire
  // before a loaded machine has even started it).
  const abortOnce = (): void => {
    if (!abort.signal.aborted) abort.abort(new Error('timeout 0.4 s'));
  };
  const error = await d.migrate(request({}), abortOnce, abort.signal).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  await d.close();
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'source');
  assert.match(error.message, /^gsend: aborted \(timeout 0\.4 s\); the VM still runs on hostA$/);
  assert.match(servers.hostA!.commands.join('\n'), /^virsh -c qemu:\/\/\/system domjobabort gsend$/m);
  assert.equal(readDomain('hostB', 'gsend'), undefined);
});

// A timeout, because a virsh that is never killed would block this test for ever.
test('an abort that virsh migrate ignores (blocked connecting to the destination, no job yet): virsh is killed after the grace, the VM stays on the source', { timeout: 30_000 }, async () => {
  lab.leaveUnanswered('hostB');
  const log: string[] = [];
  const d = createSshDriver([inventoryHost('hostA'), inventoryHost('hostB')], (l) => log.push(l), { migration: { ...fastPolls, abortGraceMs: 500 } });
  await d.connect(['hostA', 'hostB']);
  const abort = new AbortController();
  // No job ever runs, so no progress comes: abort once virsh migrate has surely started.
  const timer = setTimeout(() => abort.abort(new Error('timed out after 1s')), lab.commandStartMs * 4 + 500);
  const error = await d.migrate(request({}), () => {}, abort.signal).then(
    () => assert.fail('should fail'),
    (e: unknown) => e,
  );
  clearTimeout(timer);
  await d.close();
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'source');
  assert.match(error.message, /^gsend: aborted \(timed out after 1s\); the VM still runs on hostA$/);
  assert.ok(log.some((l) => /virsh migrate still running 0\.5 s after domjobabort: ending it on hostA/.test(l)), log.join('\n'));
  assert.match(servers.hostA!.commands.join('\n'), /^kill \d+$/m);
  assert.equal(readDomain('hostA', 'gsend')?.state, 'running');
});

test('abort after the post-copy switch is refused: the migration finishes on the destination', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  const abort = new AbortController();
  const outcome = await d.migrate(
    request({ vm: 'grecv', mode: 'post-copy' }),
    (p) => {
      if (p.phase === 'post-copy') abort.abort(new Error('user interrupt'));
    },
    abort.signal,
  );
  await d.close();
  assert.ok(outcome.switchedAtMs !== undefined);
  assert.ok(log.some((l) => l.includes('not aborting (user interrupt): post-copy already switched')));
  assert.equal(readDomain('hostB', 'grecv')?.state, 'running');
});

test('post-copy broken after the switch: paused-in-postcopy with the exact recovery command', async () => {
  const d = driver();
  await d.connect(['hostA', 'hostB']);
  const error = await d
    .migrate(
      request({ vm: 'grecv', mode: 'post-copy', bandwidthMbps: 64 }),
      (p) => {
        if (p.phase === 'post-copy') lab.stopLibvirtd('hostB');
      },
      new AbortController().signal,
    )
    .then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
  await d.close();
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'paused-in-postcopy', error.message);
  assert.equal(error.retryable, false);
  const resume = 'run on hostA: virsh -c qemu:///system migrate --live --verbose --postcopy --postcopy-resume --bandwidth 1 --postcopy-bandwidth 7 grecv qemu+ssh://hostB/system';
  assert.equal(error.recovery, resume);
  // Asked before any failure (discovery), the driver gives the same command.
  assert.equal(d.postcopyResumeHint?.(request({ vm: 'grecv', mode: 'post-copy', bandwidthMbps: 64 })), resume);
});

test('a post-copy stalled after its switch: a timeout pauses it (domjobabort --postcopy), resume finishes it', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  lab.stallPostcopyTo('hostB', true);
  const abort = new AbortController();
  const error = await d
    .migrate(
      request({ vm: 'gsend', mode: 'post-copy' }),
      (p) => {
        if (p.phase === 'post-copy') setTimeout(() => abort.abort(new MigrationAbortReason('timed out after 2s', true)), 300);
      },
      abort.signal,
    )
    .then(
      () => assert.fail('a stalled post-copy cannot succeed'),
      (e: unknown) => e,
    );
  assert.ok(error instanceof MigrationFailedError, String(error));
  assert.equal(error.vmOn, 'paused-in-postcopy', error.message);
  assert.match(servers.hostA!.commands.join('\n'), /^virsh -c qemu:\/\/\/system domjobabort gsend --postcopy$/m);
  assert.ok(log.some((l) => l.includes('timed out after 2s: post-copy already switched, pausing it to resume it')), log.join('\n'));
  // As on the lab: the destination says running while the source, paused, still holds pages.
  assert.equal(readDomain('hostA', 'gsend')?.state, 'paused');
  assert.equal(readDomain('hostB', 'gsend')?.state, 'running');

  // The link still drops packets: resume is refused and the VM stays recoverable.
  const refused = await d.resumePostcopy!(request({ vm: 'gsend', mode: 'post-copy', attempt: 2 }), () => {}, new AbortController().signal).then(
    () => assert.fail('resume cannot work while the stream is stalled'),
    (e: unknown) => e,
  );
  assert.ok(refused instanceof MigrationFailedError && refused.vmOn === 'paused-in-postcopy', String(refused));

  lab.stallPostcopyTo('hostB', false);
  const outcome = await d.resumePostcopy!(request({ vm: 'gsend', mode: 'post-copy', attempt: 3 }), () => {}, new AbortController().signal);
  await d.close();
  assert.equal(outcome.mode, 'post-copy');
  assert.deepEqual(readDomain('hostB', 'gsend')?.migrateArgs?.slice(0, 4), ['--live', '--verbose', '--postcopy', '--postcopy-resume']);
  assert.equal(readDomain('hostB', 'gsend')?.state, 'running');
  assert.equal(readDomain('hostA', 'gsend'), undefined, 'the transient source is gone');
});

test('resume of a post-copy that finished by itself meanwhile: done, nothing run', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  await d.migrate(request({ vm: 'gsend', mode: 'post-copy' }), () => {}, new AbortController().signal);
  const before = servers.hostA!.commands.length;
  const outcome = await d.resumePostcopy!(request({ vm: 'gsend', mode: 'post-copy', attempt: 2 }), () => {}, new AbortController().signal);
  await d.close();
  assert.equal(outcome.vm, 'gsend');
  assert.ok(!servers.hostA!.commands.slice(before).some((c) => c.includes(' migrate ')), 'no virsh migrate after the VM arrived');
  assert.ok(log.some((l) => l.includes('finished by itself')));
});

test('resume of a paused post-copy that finishes by itself just as virsh is called: done, not "not on the source"', async () => {
  const log: string[] = [];
  const d = driver(log);
  await d.connect(['hostA', 'hostB']);
  lab.stallPostcopyTo('hostB', true);
  const abort = new AbortController();
  await d
    .migrate(
      request({ vm: 'gsend', mode: 'post-copy' }),
      (p) => {
        if (p.phase === 'post-copy') setTimeout(() => abort.abort(new MigrationAbortReason('timed out after 2s', true)), 300);
      },
      abort.signal,
    )
    .catch(() => undefined);
  assert.equal(readDomain('hostA', 'gsend')?.state, 'paused', 'paused mid post-copy');
  lab.finishBeforeResume('hostB');
  const outcome = await d.resumePostcopy!(request({ vm: 'gsend', mode: 'post-copy', attempt: 2 }), () => {}, new AbortController().signal);
  await d.close();
  assert.equal(outcome.vm, 'gsend');
  assert.equal(readDomain('hostA', 'gsend'), undefined);
  assert.equal(readDomain('hostB', 'gsend')?.state, 'running');
  assert.ok(log.some((l) => /virsh migrate reported failed to get domain 'gsend', but the VM runs on hostB and not on hostA/.test(l)), log.join('\n'));
});

test('the SSH connection lost during measurement: HostUnreachableError naming the host (exit 4), not a bare command failure', async () => {
  const d = driver();
  await d.connect(['hostA']);
  setTimeout(() => servers.hostA!.dropConnections(), 500);
  await assert.rejects(d.sampleCounters('hostA', { durationMs: 3000, intervalMs: 500 }), (e: unknown) => {
    assert.ok(e instanceof HostUnreachableError, String(e));
    assert.equal(e.host, 'hostA');
    assert.equal(e.exitCode, 4);
    assert.match(e.message, /^host hostA is unreachable: the SSH connection was lost during measurement; nothing was migrated/);
    return true;
  });
  await d.close();
});
