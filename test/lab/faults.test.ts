// Faults injected on the real lab while `tsmig run` works, as an operator would meet them: after
// each, virsh on both hosts must show every guest running on exactly one host, the report must
// say the same, and a rerun (or the run's own retries) must finish the job. Each test records a
// row of the fault matrix in test-output/lab-measurements.jsonl.
import { test, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDriver } from '../../src/drivers/create-driver.ts';
import { MigrationFailedError } from '../../src/errors.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import {
  assertEveryGuestOnExactlyOneHost,
  assertReportMatches,
  guestsHomeOnA,
  inventoryVariant,
  lab,
  labInventory,
  labPlaybook,
  migrationOf,
  recordMeasurement,
  tsmig,
} from './lab-helpers.ts';

const sentinel = '/tmp/tsmig-injected';
const sentinelOn = (host: string): Promise<string> => lab('exec', host, 'sh', '-c', `test -e ${sentinel} && echo present || echo absent`);

before(guestsHomeOnA);
afterEach(async () => {
  // Whatever a test left behind: the link, sshd, libvirtd, and the guests — booted afresh, since
  // a link cut while they talk across it stalls their TCP stream for minutes (retransmission
  // back-off), and the next tests measure that stream.
  await lab('heal-link').catch(() => undefined);
  await lab('start-sshd', 'hostA').catch(() => undefined);
  await lab('start-libvirtd', 'hostB').catch(() => undefined);
  await lab('reset-guests');
});

/** gsend alone, slowed to 8 MiB/s so that a fault lands inside its migration. */
function gsendArgs(mode: 'pre-copy' | 'post-copy', ...extra: string[]): string[] {
  return [
    'run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory, '--limit', 'gsend', '--strategy', mode,
    '-e', 'constraints.bandwidth_mbps=64', '-e', 'constraints.timeout=60s', '-e', 'constraints.retries=12', ...extra,
  ];
}

// Two tsmig runs moving guests: 219-231 s at load 19-23 on 2 cores, near the old 240 s.
test('sshd on the source killed during measurement: exit 4 naming hostA, nothing moved; with sshd back a rerun finishes', { timeout: 360_000 }, async (t) => {
  let killed: Promise<unknown> | undefined;
  // A 30 s measurement: `lab.sh kill-sshd` took over 3.5 s on a loaded machine (load 30), after a
  // 5 s measurement had already ended and the migrations begun.
  const r = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory, '-e', 'sampling.duration=30s'], {
    signal: t.signal,
    onStderr: (line) => {
      if (!killed && /hostA: sampling traffic/.test(line)) killed = sleep(1500).then(() => lab('kill-sshd', 'hostA'));
    },
  });
  assert.ok(killed, 'the run reached measurement');
  await killed;
  assert.equal(r.exitCode, 4, r.stderr);
  assert.match(r.stderr, /ERROR: .*hostA/);
  assert.doesNotMatch(r.stderr, /TASK \[migrate\]/);
  assert.deepEqual(await assertEveryGuestOnExactlyOneHost(), { gsend: 'hostA', grecv: 'hostA' });

  await lab('start-sshd', 'hostA');
  const rerun = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory], { signal: t.signal });
  assert.equal(rerun.exitCode, 0, rerun.stderr);
  const where = await assertEveryGuestOnExactlyOneHost();
  assert.deepEqual(where, { gsend: 'hostB', grecv: 'hostB' });
  assertReportMatches(rerun, where);
  recordMeasurement('fault: sshd killed on the source during measurement', {
    exitCode: r.exitCode,
    error: /ERROR: (.*)/.exec(r.stderr)?.[1],
    vmsLost: 0,
    failedRunS: r.wallMs / 1000,
    rerunS: rerun.wallMs / 1000,
  });
});

interface Fault {
  /** The progress line at which the fault is injected, and how long after it. */
  injectAfter: RegExp;
  delayMs: number;
  inject: () => Promise<unknown>;
  /** Run once tsmig reports the first attempt failed (the link back, the daemon started). */
  repair: () => Promise<unknown>;
}

/** gsend's migration with a fault injected and later repaired; when each happened (ms). */
async function migrateThroughFault(t: { signal: AbortSignal }, mode: 'pre-copy' | 'post-copy', fault: Fault) {
  const at = { injected: 0, repaired: 0 };
  let injected: Promise<unknown> | undefined;
  let repaired: Promise<unknown> | undefined;
  const run = await tsmig(gsendArgs(mode), {
    signal: t.signal,
    timeoutMs: 280_000,
    onStderr: (line) => {
      if (!injected && fault.injectAfter.test(line)) injected = sleep(fault.delayMs).then(() => ((at.injected = Date.now()), fault.inject()));
      if (injected && !repaired && /gsend: attempt 1 failed/.test(line)) repaired = injected.then(fault.repair).then(() => (at.repaired = Date.now()));
    },
  });
  await repaired;
  assert.ok(injected && repaired, `the fault was injected and repaired:\n${run.stderr}`);
  assert.equal(run.exitCode, 0, run.stderr);
  const m = migrationOf(run, 'gsend');
  assert.equal(m?.status, 'changed', JSON.stringify(m));
  const where = await assertEveryGuestOnExactlyOneHost();
  assert.deepEqual(where, { gsend: 'hostB', grecv: 'hostA' });
  assertReportMatches(run, where);
  const figures = {
    firstError: /gsend: attempt 1 failed: (.*?); retrying/.exec(run.stderr)?.[1],
    failureSeenAfterFaultS: (at.repaired - at.injected) / 1000,
    attempts: (m?.retries ?? 0) + 1,
    vmsLost: 0,
    recoveredAfterRepairS: (Date.now() - at.repaired) / 1000,
    runS: run.wallMs / 1000,
  };
  return { run, figures };
}

const precopyStarted = /gsend hostA→hostB \(attempt 1\): hostA\$ virsh .* migrate /;

test('link between the hosts cut during a pre-copy: the attempt fails with the VM on its source, the retry moves it', { timeout: 300_000 }, async (t) => {
  const { run, figures } = await migrateThroughFault(t, 'pre-copy', {
    injectAfter: precopyStarted,
    delayMs: 3000,
    inject: () => lab('cut-link'),
    repair: () => lab('heal-link'),
  });
  assert.match(run.stderr, /gsend: attempt 1 failed: .*the VM still runs on hostA/);
  recordMeasurement('fault: link cut during pre-copy', figures);
});

test('link cut during a post-copy: the VM pauses mid post-copy, tsmig resumes it when the link is back', { timeout: 300_000 }, async (t) => {
  const { run, figures } = await migrateThroughFault(t, 'post-copy', {
    injectAfter: /gsend .*: switched to post-copy after/,
    delayMs: 0,
    inject: () => lab('cut-link'),
    repair: () => lab('heal-link'),
  });
  assert.match(run.stderr, /gsend: attempt 1 failed: .*paused mid post-copy/);
  assert.match(run.stderr, /post-copy resume/);
  recordMeasurement('fault: link cut during post-copy', {
    ...figures,
    resumedBy: /finished by itself/.test(run.stderr) ? 'the stream itself, once the link was back' : 'virsh migrate --postcopy-resume',
  });
});

test('destination libvirtd stopped in the middle of a pre-copy: the VM stays on its source; started again, the retry moves it', { timeout: 300_000 }, async (t) => {
  const { run, figures } = await migrateThroughFault(t, 'pre-copy', {
    injectAfter: precopyStarted,
    delayMs: 3000,
    inject: () => lab('stop-libvirtd', 'hostB'),
    repair: () => lab('start-libvirtd', 'hostB'),
  });
  assert.match(run.stderr, /gsend: attempt 1 failed: .*the VM still runs on hostA/);
  recordMeasurement('fault: destination libvirtd stopped during pre-copy', figures);
});

test('the engine killed (SIGKILL) during a migration, then --resume from its journal: every guest moved once, none forgotten', { timeout: 300_000 }, async (t) => {
  const journal = join(mkdtempSync(join(tmpdir(), 'tsmig-lab-journal-')), 'run.journal.jsonl');
  // One migration at a time; which guest goes first depends on the measured rates (gsend's TX
  // and grecv's RX are nearly equal), so the kill lands 2 s into whichever guest is second.
  const started: string[] = [];
  let killedAt = 0;
  const killed = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory, '--journal', journal, '-e', 'constraints.bandwidth_mbps=64'], {
    signal: t.signal,
    onStderr: (line, pid) => {
      const vm = /^\s*(\w+) hostA→hostB \(attempt 1\): hostA\$ virsh .* migrate /.exec(line)?.[1];
      if (vm && !started.includes(vm)) started.push(vm);
      if (!killedAt && started.length === 2) {
        killedAt = Date.now();
        setTimeout(() => process.kill(pid, 'SIGKILL'), 2000);
      }
    },
  });
  assert.ok(killedAt > 0, `the run reached its second migration:\n${killed.stderr}`);
  assert.equal(killed.exitCode, -1, 'killed, no exit code');
  const [first, second] = started as [string, string];
  const resumed = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory, '--resume', journal], { signal: t.signal });
  assert.equal(resumed.exitCode, 0, resumed.stderr);
  const arrived = migrationOf(resumed, first);
  const interrupted = migrationOf(resumed, second);
  assert.equal(arrived?.status, 'ok', `${first} arrived before the kill: not migrated again (${JSON.stringify(arrived)})`);
  assert.ok(interrupted?.status === 'changed' || interrupted?.status === 'ok', JSON.stringify(interrupted));
  const where = await assertEveryGuestOnExactlyOneHost();
  assert.deepEqual(where, { gsend: 'hostB', grecv: 'hostB' });
  assertReportMatches(resumed, where);
  recordMeasurement('fault: engine killed mid-run, then --resume', {
    killedDuring: second,
    secondInResumedRun: interrupted?.status,
    vmsLost: 0,
    vmsMigratedTwice: 0,
    resumeS: resumed.wallMs / 1000,
  });
});

test('a playbook full of shell metacharacters: refused before any host is reached, nothing runs on the hosts', { timeout: 60_000 }, async (t) => {
  await lab('exec', 'hostA', 'rm', '-f', sentinel);
  const playbook = labPlaybook('lab-a-to-b.yml');
  const vms = (name: string): string[] => [playbook, '-i', labInventory, '-e', `migrations=[{from: hostA, to: hostB, vms: ["${name}"]}]`];
  const inventoryLine = (edit: (yaml: string) => string): string[] => [playbook, '-i', inventoryVariant(edit)];
  // README exit codes: an -e value the checks refuse is exit 5, blamed on the option; a bad
  // inventory file is exit 4 with FILE:LINE:COL.
  const byOption = { exitCode: 5, blamed: /ERROR: -e migrations=.*: migrations\.0\.vms\.0: / };
  const byFile = { exitCode: 4, blamed: /ERROR: .*:\d+:\d+: / };
  const attempts: Array<[string, string[], { exitCode: number; blamed: RegExp }]> = [
    ['a VM name with ;', vms(`gsend;touch ${sentinel}`), byOption],
    ['a VM name with $()', vms(`$(touch ${sentinel})`), byOption],
    ['a VM name with backticks', vms(`\`touch ${sentinel}\``), byOption],
    ['a VM name starting with -', vms('--help'), byOption],
    ['a libvirt URI with a command', inventoryLine((y) => y.replace('"qemu:///system"', `"qemu:///system;touch ${sentinel}"`)), byFile],
    ['a NIC with a pipe', inventoryLine((y) => y.replace('nic: eth0', `nic: "eth0|touch ${sentinel}"`)), byFile],
    ['a host address with a command', inventoryLine((y) => y.replace('address: 10.200.0.1', `address: "10.200.0.1;touch ${sentinel}"`)), byFile],
  ];
  for (const [what, args, refused] of attempts) {
    const r = await tsmig(['run', ...args], { signal: t.signal });
    assert.equal(r.exitCode, refused.exitCode, `${what}: exit ${r.exitCode}\n${r.stderr}`);
    assert.match(r.stderr, refused.blamed, `${what}: the error points at what is wrong`);
    assert.doesNotMatch(r.stderr, /TASK \[connect\]/, `${what}: no host reached`);
  }
  assert.equal(await sentinelOn('hostA'), 'absent');
  assert.deepEqual(await assertEveryGuestOnExactlyOneHost(), { gsend: 'hostA', grecv: 'hostA' });
});

test('hostile VM names that bypass the schema reach virsh as one literal argument: no command runs', { timeout: 120_000 }, async () => {
  await Promise.all(['hostA', 'hostB'].map((h) => lab('exec', h, 'rm', '-f', sentinel)));
  const playbook = loadPlaybook(labPlaybook('lab-a-to-b.yml'), { inventoryFile: labInventory });
  const driver = await createDriver(playbook.inventory, () => {});
  await driver.connect(['hostA', 'hostB']);
  try {
    for (const vm of [`x';touch ${sentinel};'`, `$(touch ${sentinel})`, `\`touch ${sentinel}\``, `x\ntouch ${sentinel}`, `x" && touch ${sentinel} #`]) {
      const request = { vm, from: 'hostA', to: 'hostB', mode: 'pre-copy', bandwidthMbps: 0, maxDowntimeMs: 0, autoConverge: false, postcopySwitch: 'immediate', persistent: false, undefineSource: false, attempt: 1 } as const;
      await assert.rejects(driver.migrate(request, () => {}, new AbortController().signal), (e: unknown) => {
        assert.ok(e instanceof MigrationFailedError, String(e));
        // virsh saw the whole name as one domain name (its message quotes it up to a newline).
        const quoted = vm.includes('\n') ? `failed to get domain '${vm.split('\n')[0]}` : `failed to get domain '${vm}')`;
        assert.ok(e.message.includes(`not on hostA (${quoted}`), `${JSON.stringify(vm)}: ${e.message}`);
        return true;
      });
    }
  } finally {
    await driver.close();
  }
  assert.equal(await sentinelOn('hostA'), 'absent');
  assert.equal(await sentinelOn('hostB'), 'absent');
});
