import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const TWO_VMS = (faults: string, constraints = 'retries: 2, retry_delay: 5s') => `name: faults
inventory:
  driver: sim
  sim: { seed: 3, faults: { ${faults} } }
  hosts:
    A: { vms: { sender: { memory_mib: 2048, tx_mbps: 600 }, receiver: { memory_mib: 2048, rx_mbps: 600 } } }
    B: {}
sampling: { duration: 2s, interval: 1s }
migrations: [{ from: A, to: B, vms: all }]
constraints: { ${constraints} }
`;

test('link cut after a post-copy switch: the VM pauses, tsmig resumes it when the link is back', async () => {
  const pb = loadPlaybook(writeTemp(TWO_VMS('link_cut_rate: 1, link_outage: 12s')));
  const { report, events } = await runSim(pb);
  const sender = report.migrations.find((m) => m.vm === 'sender')!;
  assert.equal(sender.mode, 'post-copy');
  assert.equal(sender.status, 'changed', JSON.stringify(sender.attempts));
  assert.match(sender.attempts[0]?.error ?? '', /dropped after the post-copy switch: sender is paused on B/);
  assert.ok(sender.attempts.length >= 3, 'the first resume attempts meet the link still down');
  assert.match(sender.attempts.at(-2)?.error ?? '', /cannot resume post-copy yet/);
  assert.ok(events.some((e) => e.type === 'migration-retry' && e.vm === 'sender'));
  // Memory is pulled once: the bytes are the VM's memory, not twice that.
  assert.ok(Math.abs(sender.bytes - 2048 * 1024 * 1024) < 1024);
  // The pre-copy receiver meets a cut on every attempt (rate 1) before any switch: each attempt
  // fails, the VM keeps running on A, and after the retries it is reported failed, on A.
  const receiver = report.migrations.find((m) => m.vm === 'receiver')!;
  assert.equal(receiver.mode, 'pre-copy');
  assert.equal(receiver.status, 'failed');
  assert.equal(receiver.attempts.length, 3);
  for (const a of receiver.attempts) assert.match(a.error ?? '', /the link between A and B dropped/);
  assert.deepEqual(report.placement, { sender: ['B'], receiver: ['A'] });
});

test('a post-copy stalled longer than the timeout is reported with the driver\'s recovery hint', async () => {
  const pb = loadPlaybook(writeTemp(TWO_VMS('link_cut_rate: 1, link_outage: 10m', 'retries: 0, retry_delay: 5s, timeout: 60s')));
  const { report } = await runSim(pb);
  const sender = report.migrations.find((m) => m.vm === 'sender')!;
  assert.equal(sender.status, 'failed');
  assert.equal(sender.vm_on, 'B', 'a paused post-copy VM lives on its destination');
  // The sim's own hint: it has no virsh command (only the ssh driver builds one, from real URIs).
  assert.equal(sender.recovery, 'sender is paused in post-copy between A and B: when the link is back, nothing to run: A and B are simulated');
  assert.equal(report.exit_code, 2);
});

test('a host whose libvirt is down fails the migrations touching it until it is back', async () => {
  const pb = loadPlaybook(writeTemp(TWO_VMS('', 'retries: 3, retry_delay: 20s').replace('faults: {  }', 'faults: {}')));
  const driver = createSimDriver(pb.inventory);
  driver.world.hostOutages.set('B', { fromMs: 0, toMs: 40_000 });
  const { report } = await runSim(pb, {}, driver);
  for (const m of report.migrations) {
    assert.equal(m.status, 'changed');
    assert.match(m.attempts[0]?.error ?? '', /libvirtd on B is not responding/);
    assert.ok((m.started_s ?? 0) >= 40 - 0.5, 'the successful attempt started after the outage');
  }
});

test('load: 1,000 VMs over 50 hosts with random migration, link and host faults; every VM on exactly one host, every failure counted', async () => {
  const hosts: string[] = [];
  const migrations: string[] = [];
  let vmNo = 0;
  for (let pair = 0; pair < 25; pair++) {
    const vms: string[] = [];
    for (let k = 0; k < 40; k++) {
      const n = vmNo++;
      vms.push(`vm${n}: { memory_mib: ${256 + (n % 7) * 128}, tx_mbps: ${(n * 37) % 300}, rx_mbps: ${(n * 53) % 300}, dirty_mib_per_s: ${n % 5} }`);
    }
    hosts.push(`    src${pair}: { background: { tx_mbps: 30, rx_mbps: 30 }, vms: { ${vms.join(', ')} } }`);
    hosts.push(`    dst${pair}: { background: { tx_mbps: 50, rx_mbps: 50 } }`);
    migrations.push(`  - { from: src${pair}, to: dst${pair}, vms: all }`);
  }
  const pb = loadPlaybook(
    writeTemp(`name: rack-scale chaos
inventory:
  driver: sim
  defaults: { nic_mbps: 10000 }
  sim: { seed: 11, faults: { migration_failure_rate: 0.1, link_cut_rate: 0.05, link_outage: 15s, host_outage_rate: 0.1, host_outage: 60s } }
  hosts:
${hosts.join('\n')}
sampling: { duration: 10s, interval: 1s }
migrations:
${migrations.join('\n')}
constraints: { max_parallel: 50, max_outbound_per_host: 4, retries: 2, retry_delay: 10s, timeout: 10m }
`),
  );
  const started = performance.now();
  const { report, events } = await runSim(pb);
  const wallS = (performance.now() - started) / 1000;
  assert.equal(report.migrations.length, 1000);
  const placed = Object.values(report.placement);
  assert.equal(placed.length, 1000);
  assert.ok(placed.every((on) => on.length === 1), 'every VM runs on exactly one host');
  for (const m of report.migrations) {
    assert.equal(report.placement[m.vm]?.[0], m.vm_on, `${m.vm}: the report matches the hosts`);
    if (m.status === 'failed') assert.ok(m.error, 'a failure has a reason');
  }
  const s = report.summary;
  assert.equal(s.changed + s.failed + s.skipped + s.ok, 1000);
  const failedAttempts = report.migrations.reduce((n, m) => n + m.attempts.filter((a) => a.error).length, 0);
  const retryEvents = events.filter((e) => e.type === 'migration-retry').length;
  assert.ok(failedAttempts >= 100, `faults were injected (${failedAttempts} failed attempts)`);
  assert.equal(failedAttempts, retryEvents + s.failed, 'every failed attempt is either retried or reported as failed');
  assert.equal(report.exit_code, s.failed > 0 ? 2 : 0);
  console.log(`# load: 1000 VMs/50 hosts: ${s.changed} changed, ${s.failed} failed, ${failedAttempts} failed attempts, ${report.summary.total_migration_time_s.toFixed(0)}s simulated in ${wallS.toFixed(1)}s wall`);
});

test('a VM that dies a second after its migration succeeded is failed at verify, not reported moved', async () => {
  const pb = loadPlaybook(writeTemp(TWO_VMS('', 'retries: 0').replace('faults: {  }', 'faults: {}')));
  const driver = createSimDriver(pb.inventory);
  const migrate = driver.migrate.bind(driver);
  driver.migrate = async (request, onProgress, signal) => {
    const outcome = await migrate(request, onProgress, signal);
    // As libvirt did on the lab: the guest runs on its destination, then is gone a second later.
    if (request.vm === 'receiver') void driver.clock.sleep(1000).then(() => driver.world.vms.delete('receiver'));
    return outcome;
  };
  const { report, events } = await runSim(pb, {}, driver);
  const receiver = report.migrations.find((m) => m.vm === 'receiver')!;
  assert.equal(receiver.status, 'failed');
  assert.equal(receiver.vm_on, null);
  assert.equal(receiver.error, 'moved to B, but at verify it runs on no host');
  assert.equal(report.migrations.find((m) => m.vm === 'sender')?.status, 'changed');
  assert.deepEqual(report.placement, { sender: ['B'], receiver: [] });
  assert.equal(report.exit_code, 2);
  assert.ok(events.some((e) => e.type === 'warning' && /receiver is running on no host/.test(e.message)));
});
