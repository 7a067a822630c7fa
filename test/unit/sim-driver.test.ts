import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { BYTES_PER_MIB, SIM_POSTCOPY_SWITCH_MS, SIM_SETUP_MS } from '../../src/drivers/sim/sim-world.ts';
import type { MigrationRequest } from '../../src/drivers/driver.ts';
import { MigrationFailedError } from '../../src/errors.ts';
import { ratesFromReadings } from '../../src/measure/rates-from-readings.ts';
import { simHost, simInventory, simVm } from '../helpers/sim-inventory.ts';
import { migrationRequest } from '../helpers/migration-request.ts';

function request(vm: string, mode: MigrationRequest['mode'], over: Partial<MigrationRequest> = {}): MigrationRequest {
  return migrationRequest(vm, 'A', 'B', { mode, ...over });
}
const never = new AbortController().signal;

test('measurement without noise returns the declared rates exactly, in virtual time', async () => {
  const driver = createSimDriver(
    simInventory([simHost('A', [simVm('v1', { txMbps: 200, rxMbps: 400 }), simVm('v2', { txMbps: 300, rxMbps: 500 })], { background: { txMbps: 50, rxMbps: 20 } }), simHost('B')]),
  );
  const wallStart = performance.now();
  const readings = await driver.sampleCounters('A', { durationMs: 30_000, intervalMs: 1000 });
  assert.ok(performance.now() - wallStart < 2000, '30 s of virtual sampling must not take 30 s');
  assert.equal(readings.length, 31);
  assert.equal(driver.clock.nowMs(), 30_000);
  const { host, vms } = ratesFromReadings('A', readings);
  const byName = Object.fromEntries(vms.map((v) => [v.vm, [v.txMbps, v.rxMbps].map((x) => Math.round(x * 1e6) / 1e6)]));
  assert.deepEqual(byName, { v1: [200, 400], v2: [300, 500] });
  assert.equal(Math.round(host.backgroundTxMbps * 1e6) / 1e6, 50);
  assert.equal(Math.round(host.backgroundRxMbps * 1e6) / 1e6, 20);
  assert.equal(Math.round(host.nicTxMbps), 550);
});

test('noise perturbs measured rates around the declared ones, reproducibly', async () => {
  const measure = async (): Promise<number> => {
    const d = createSimDriver(simInventory([simHost('A', [simVm('v1', { txMbps: 500 })]), simHost('B')], 0.2));
    return ratesFromReadings('A', await d.sampleCounters('A', { durationMs: 10_000, intervalMs: 1000 })).vms[0]!.txMbps;
  };
  const a = await measure();
  assert.notEqual(a, 500);
  assert.ok(Math.abs(a - 500) < 100, `noisy rate ${a} should stay within 20% of 500`);
  assert.equal(await measure(), a, 'same seed, same noise');
});

test('pre-copy: rounds resend dirtied memory, stop-and-copy when the rest fits in max downtime (hand-computed)', async () => {
  const driver = createSimDriver(simInventory([simHost('A', [simVm('v', { memoryMib: 1000, dirtyMibPerS: 10 })]), simHost('B')]));
  const out = await driver.migrate(request('v', 'pre-copy'), () => undefined, never);
  const bytesPerS = 125_000_000; // 1000 Mbps
  const round1S = (1000 * BYTES_PER_MIB) / bytesPerS; // 8.39 s, dirties 83.9 MiB (0.70 s to send > 300 ms)
  const round2S = (round1S * 10 * BYTES_PER_MIB) / bytesPerS; // 0.70 s, dirties 7.0 MiB (0.059 s ≤ 300 ms)
  const stopCopyS = (round2S * 10 * BYTES_PER_MIB) / bytesPerS;
  const expectedS = SIM_SETUP_MS / 1000 + round1S + round2S + stopCopyS;
  assert.ok(Math.abs((out.finishedMs - out.startedMs) / 1000 - expectedS) < 1e-6, `duration ${(out.finishedMs - out.startedMs) / 1000} vs ${expectedS}`);
  const expectedBytes = (1000 + round1S * 10 + round2S * 10) * BYTES_PER_MIB;
  assert.ok(Math.abs(out.transferredBytes - expectedBytes) < 2);
  assert.ok(Math.abs(out.downtimeMs - stopCopyS * 1000) < 1e-6);
  assert.deepEqual((await driver.listVms('B')).map((v) => [v.name, v.state]), [['v', 'running']]);
  assert.deepEqual(await driver.listVms('A'), []);
});

test('pre-copy competes with the VM’s outbound traffic at the source; post-copy moves its traffic to the destination', async () => {
  const inv = () => simInventory([simHost('A', [simVm('s', { memoryMib: 1000, txMbps: 900 })]), simHost('B')]);
  const pre = createSimDriver(inv());
  const preOut = await pre.migrate(request('s', 'pre-copy'), () => undefined, never);
  // The sender keeps 500 of its 900 Mbps (fair share), the stream gets 500.
  const preExpectedS = SIM_SETUP_MS / 1000 + (1000 * BYTES_PER_MIB) / 62_500_000;
  assert.ok(Math.abs((preOut.finishedMs - preOut.startedMs) / 1000 - preExpectedS) < 1e-6);

  const post = createSimDriver(inv());
  let sawAppOnB = false;
  const postOut = await post.migrate(
    request('s', 'post-copy'),
    () => {
      sawAppOnB ||= (post.world.achievedAppRates().get('s')?.txMbps ?? 0) === 900 && post.world.vms.get('s')?.host === 'B';
    },
    never,
  );
  // After the switch the sender transmits on B's TX; the stream uses A's TX and B's RX: full 1000 Mbps.
  const postExpectedS = SIM_SETUP_MS / 1000 + (1000 * BYTES_PER_MIB) / 125_000_000;
  assert.ok(Math.abs((postOut.finishedMs - postOut.startedMs) / 1000 - postExpectedS) < 1e-6);
  assert.equal(postOut.switchedAtMs, postOut.startedMs + SIM_SETUP_MS);
  assert.equal(postOut.downtimeMs, SIM_POSTCOPY_SWITCH_MS);
  assert.ok(sawAppOnB, 'the sender ran at full rate on B during post-copy');
});

test('an injected failure leaves the VM running on its source; the next attempt succeeds', async () => {
  const driver = createSimDriver(simInventory([simHost('A', [simVm('v', { failMigrations: 1 })]), simHost('B')]));
  await assert.rejects(driver.migrate(request('v', 'pre-copy'), () => undefined, never), (e: unknown) => e instanceof MigrationFailedError && e.vmOn === 'source');
  assert.deepEqual((await driver.listVms('A')).map((v) => [v.name, v.state]), [['v', 'running']]);
  const ok = await driver.migrate(request('v', 'pre-copy', { attempt: 2 }), () => undefined, never);
  assert.equal(ok.vm, 'v');
  assert.deepEqual((await driver.listVms('B')).map((v) => v.name), ['v']);
});

test('abort stops a pre-copy (VM stays on source) but never a post-copy after the switch', async () => {
  const d = createSimDriver(simInventory([simHost('A', [simVm('p', { memoryMib: 4096 }), simVm('q', { memoryMib: 4096 })]), simHost('B')]));
  const abortPre = new AbortController();
  const pre = d.migrate(request('p', 'pre-copy'), () => undefined, abortPre.signal);
  await d.clock.sleep(5000);
  abortPre.abort(new Error('timed out'));
  await assert.rejects(pre, /aborted: timed out/);
  assert.equal(d.world.vms.get('p')?.host, 'A');

  const abortPost = new AbortController();
  const post = d.migrate(request('q', 'post-copy'), () => undefined, abortPost.signal);
  await d.clock.sleep(5000);
  abortPost.abort(new Error('timed out'));
  const out = await post;
  assert.equal(out.vm, 'q');
  assert.equal(d.world.vms.get('q')?.host, 'B');
});

test('a pre-copy that cannot converge keeps iterating (the executor’s timeout ends it)', async () => {
  // Dirtying 200 MiB/s ≈ 1678 Mbps > the 1000 Mbps link.
  const d = createSimDriver(simInventory([simHost('A', [simVm('hot', { memoryMib: 512, dirtyMibPerS: 200 })]), simHost('B')]));
  const abort = new AbortController();
  let maxIteration = 0;
  const run = d.migrate(request('hot', 'pre-copy'), (p) => (maxIteration = Math.max(maxIteration, p.iteration)), abort.signal);
  await d.clock.sleep(60_000);
  abort.abort(new Error('timed out after 60s'));
  await assert.rejects(run, MigrationFailedError);
  assert.ok(maxIteration > 10, `expected many rounds, saw ${maxIteration}`);
  assert.equal(d.world.vms.get('hot')?.host, 'A');
});
