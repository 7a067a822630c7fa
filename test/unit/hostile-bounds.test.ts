// Issue 14, case 2: every number of a playbook is bounded to what makes physical sense, and every
// run is bounded regardless: no migration attempt outlives its timeout (sim post-copies too), and
// constraints.deadline ends the whole run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { PlaybookError } from '../../src/errors.ts';
import { writeTemp } from '../helpers/temp-files.ts';
import { runSim } from '../helpers/run-sim.ts';

const playbookWith = (constraints: string, vm = '{ memory_mib: 1024, tx_mbps: 10, rx_mbps: 10 }', sampling = '{ duration: 2s, interval: 1s }'): string => `name: bounds
inventory:
  driver: sim
  hosts:
    hostA:
      vms:
        vm1: ${vm}
    hostB: {}
sampling: ${sampling}
migrations: [{ from: hostA, to: hostB, vms: all }]
constraints: ${constraints}
`;

function problems(yaml: string): string[] {
  try {
    loadPlaybook(writeTemp(yaml));
  } catch (error) {
    assert.ok(error instanceof PlaybookError, String(error));
    assert.equal(error.exitCode, 4);
    return error.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}`);
  }
  return [];
}

test('numbers beyond physical sense are refused with their position (exit 4)', () => {
  assert.deepEqual(problems(playbookWith('{ bandwidth_mbps: 0.000001 }')), ['11:32 bandwidth_mbps 0.000001 would make every migration endless: 0 for unlimited, or at least 1']);
  assert.match(problems(playbookWith('{}', '{ memory_mib: 1e300 }'))[0] ?? '', /^7:28 inventory.hosts.hostA.vms.vm1.memory_mib must be <= 67108864$/);
  assert.match(problems(playbookWith('{ max_parallel: 1e9 }'))[0] ?? '', /^11:30 constraints.max_parallel must be <= 10000$/);
  assert.match(problems(playbookWith('{}', '{ memory_mib: 1, tx_mbps: 1e12 }'))[0] ?? '', /^7:40 inventory.hosts.hostA.vms.vm1.tx_mbps must be <= 1000000$/);
  assert.deepEqual(problems(playbookWith('{}', undefined, '{ duration: 2s, interval: 0.000001 }')), [
    '9:37 sampling.interval must be between 100ms and 1h, not 0.001ms',
  ]);
  assert.deepEqual(problems(playbookWith('{}', undefined, '{ duration: 1h, interval: 100ms }')), [
    '9:37 sampling.duration / sampling.interval is 36000 samples; the limit is 10000 (a longer interval)',
  ]);
  assert.deepEqual(problems(playbookWith('{ timeout: 1000h, retry_delay: 2h, max_downtime: 0ms, deadline: 10000h }')), [
    '11:63 constraints.max_downtime must be between 1ms and 1m, not 0s',
    '11:25 constraints.timeout must be between 1s and 24h, not 1000h',
    '11:45 constraints.retry_delay must be between 0s and 1h, not 2h',
    '11:78 constraints.deadline must be between 1s and 168h, not 10000h',
  ]);
  assert.deepEqual(problems(playbookWith('{ timeout: 10m, deadline: 1h }')), []);
});

test('sim: a post-copy that cannot finish is paused at its timeout and given up after one more timeout, never endless', async () => {
  // 64 GiB pulled at 1 Mbit/s would take six days.
  const playbook = loadPlaybook(writeTemp(playbookWith('{ bandwidth_mbps: 1, timeout: 30s, retry_delay: 5s, retries: 0 }', '{ memory_mib: 65536, tx_mbps: 10, rx_mbps: 10 }').replace('migrations: [{ from: hostA, to: hostB, vms: all }]', 'migrations: [{ from: hostA, to: hostB, vms: all, mode: post-copy }]')));
  const { report } = await runSim(playbook);
  const [m] = report.migrations;
  assert.ok(m);
  assert.equal(m.status, 'failed');
  assert.match(m.error ?? '', /timed out after 30s after the post-copy switch/);
  assert.match(m.recovery ?? '', /paused in post-copy between hostA and hostB/);
  for (const a of m.attempts) assert.ok(a.finished_s - a.started_s <= 30 + 1e-6, `attempt ${a.attempt} lasted ${a.finished_s - a.started_s}s`);
  // Paused at 30 s, resumed every retry_delay until one more timeout has passed.
  assert.ok((m.finished_s ?? Infinity) - (m.started_s ?? 0) <= 2 * 30 + 5 + 1, `gave up after ${m.duration_s}s`);
  assert.equal(report.exit_code, 2);
});

test('constraints.deadline: past it no migration starts and running pre-copies abort; exit 2, not 99', async () => {
  const yaml = playbookWith('{ max_parallel: 1, deadline: 20s, retries: 0 }', '{ memory_mib: 1024, tx_mbps: 10, rx_mbps: 10 }\n        vm2: { memory_mib: 1024, tx_mbps: 10, rx_mbps: 10 }\n        vm3: { memory_mib: 1024, tx_mbps: 10, rx_mbps: 10 }', '{ duration: 5s, interval: 1s }')
    .replace('migrations: [{ from: hostA, to: hostB, vms: all }]', 'migrations: [{ from: hostA, to: hostB, vms: all, mode: pre-copy }]');
  const { report } = await runSim(loadPlaybook(writeTemp(yaml)));
  const statuses = report.migrations.map((m) => m.status);
  assert.ok(statuses.includes('changed'), `some moved before the deadline: ${statuses.join(',')}`);
  assert.ok(statuses.some((s) => s === 'skipped' || s === 'failed'), `some did not: ${statuses.join(',')}`);
  for (const m of report.migrations.filter((r) => r.status === 'skipped')) assert.match(m.error ?? '', /not started: the run's deadline \(constraints.deadline, 20s\) passed/);
  assert.ok(report.migrations.every((m) => (m.finished_s ?? 0) <= 20 + 1e-6), 'nothing runs past the deadline');
  assert.equal(report.interrupted, false);
  assert.equal(report.exit_code, 2);
});
