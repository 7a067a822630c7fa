// The sampler's stream → readings (built from the captured domstats samples), and where a VM is
// from the captured `list --all` outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CounterSamplerStream, readingsFromTicks } from '../../src/drivers/ssh/counter-sampler-parse.ts';
import { counterSamplerArgv, readingsInWindow } from '../../src/drivers/ssh/counter-sampler-script.ts';
import { parseListAll } from '../../src/drivers/ssh/virsh-parse.ts';
import { isOnDestination, locateVm } from '../../src/drivers/ssh/vm-whereabouts.ts';

const fixtures = new URL('../fixtures/virsh/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, fixtures), 'utf8');
const ipJson = (tx: number, rx: number): string =>
  JSON.stringify([{ ifname: 'veth-a', stats64: { rx: { bytes: rx, packets: 1 }, tx: { bytes: tx, packets: 1 } } }]);

function stream(): string {
  return (
    `@@domiflist grecv\n${fixture('domiflist-grecv.txt')}@@domiflist gsend\n${fixture('domiflist.txt')}` +
    `@@tick 1795585027.386000000\n@@domstats\n${fixture('domstats-interface-raw-sample1.txt')}@@nic-ip\n${ipJson(1_000_000, 2_000_000)}\n@@end\n` +
    `@@tick 1795585032.441000000\n@@domstats\n${fixture('domstats-interface-raw-sample2.txt')}@@nic-sysfs 1500000 2600000\n@@end\n`
  );
}

test('the captured samples as a sampler stream: VM rates in the guest view, NIC host view', () => {
  const s = new CounterSamplerStream();
  const text = stream();
  // Chunks cut anywhere: ticks come out whole.
  const ticks = [...s.push(text.slice(0, 700)), ...s.push(text.slice(700, 1500)), ...s.push(text.slice(1500))];
  assert.equal(ticks.length, 2);
  assert.deepEqual([...s.macs.get('gsend')!], [['vnet3', '52:54:00:00:00:11']]);
  const readings = readingsFromTicks(ticks, s.macs, 1_000_000);
  assert.deepEqual(readings.map((r) => r.atMs), [1_000_000, 1_005_055]);
  assert.deepEqual(readings[0]!.vms.gsend, { txBytes: 72278582, rxBytes: 1745900 });
  assert.deepEqual(readings[1]!.vms.grecv, { txBytes: 1951886, rxBytes: 81038312 });
  assert.deepEqual(readings.map((r) => r.nic), [
    { txBytes: 1_000_000, rxBytes: 2_000_000 },
    { txBytes: 1_500_000, rxBytes: 2_600_000 },
  ]);
  const seconds = (readings[1]!.atMs - readings[0]!.atMs) / 1000;
  const gsendTx = (readings[1]!.vms.gsend!.txBytes - readings[0]!.vms.gsend!.txBytes) / seconds;
  assert.ok(Math.abs(gsendTx - 1_733_000) < 2_000, String(gsendTx));
});

test('a VM that left and came back: its counters continue instead of restarting at 0', () => {
  const s = new CounterSamplerStream();
  const ticks = s.push(
    `@@domiflist gsend\n${fixture('domiflist.txt')}` +
      `@@tick 100.0\n@@domstats\n${fixture('domstats-interface-raw-sample1.txt')}@@end\n` +
      `@@tick 101.0\n@@domstats\n${fixture('domstats-interface-raw-hostB-after-precopy.txt')}@@end\n`,
  );
  const [a, b] = readingsFromTicks(ticks, s.macs, 0);
  assert.equal(b!.vms.gsend!.txBytes, 72278582 + 4423130);
  assert.ok(b!.vms.gsend!.rxBytes > a!.vms.gsend!.rxBytes);
  assert.equal(b!.vms.grecv, undefined, 'grecv is not in the second sample');
});

test('a failed domstats tick is reported, garbage is refused', () => {
  const s = new CounterSamplerStream();
  const [tick] = s.push('@@tick 5.5\n@@domstats\n@@error domstats 1\n@@end\n');
  assert.equal(tick!.domstatsError, 'virsh domstats exited 1');
  assert.throws(() => new CounterSamplerStream().push('@@weird\n@@end\n'));
});

test('the sampler argv: a fixed script with the inputs as positional arguments', () => {
  const argv = counterSamplerArgv({ libvirtUri: 'qemu:///system', nic: 'veth; rm -rf /', intervalMs: 500, readings: 21 });
  assert.deepEqual([argv[0], argv[1], ...argv.slice(3)], ['sh', '-c', 'sh', 'qemu:///system', 'veth; rm -rf /', '500000000', '21']);
  assert.ok(!argv[2]!.includes('veth'), 'inputs never go into the script text');
  assert.equal(readingsInWindow(10_000, 500), 21);
  assert.equal(readingsInWindow(300, 500), 2);
  assert.throws(() => readingsInWindow(1000, 0));
});

test('whereabouts from the captured listings', () => {
  const before = parseListAll(fixture('list-all.txt'));
  const hostBpre = parseListAll(fixture('list-all-hostB-after-precopy.txt'));
  const hostAafter = parseListAll(fixture('list-all-source-after-precopy-persistent.txt'));
  const empty = parseListAll(' Id   Name   State\n------------------\n');
  assert.equal(isOnDestination('gsend', hostAafter, hostBpre), true, 'shut off definition left on the source');
  assert.equal(isOnDestination('gsend', before, hostBpre), false, 'still running on the source');
  assert.equal(isOnDestination('gsend', undefined, hostBpre), false, 'source not asked: unproven');
  assert.equal(locateVm('gsend', before, empty, false), 'source');
  assert.equal(locateVm('gsend', before, undefined, false), 'source');
  assert.equal(locateVm('gsend', hostAafter, hostBpre, false), 'destination');
  const srcPaused = parseListAll(fixture('list-all-during-postcopy-source.txt'));
  const dstPaused = parseListAll(fixture('list-all-during-postcopy-destination.txt'));
  assert.equal(locateVm('grecv', srcPaused, dstPaused, true), 'paused-in-postcopy');
  assert.equal(locateVm('grecv', srcPaused, undefined, true), 'paused-in-postcopy');
  assert.equal(locateVm('grecv', empty, parseListAll(fixture('list-all-hostB-after-postcopy.txt')), true), 'destination');
  assert.equal(locateVm('grecv', undefined, undefined, false), 'unknown');
  assert.equal(locateVm('grecv', empty, empty, false), 'unknown');
});
