// Every virsh invocation as exact argv (libvirt 9.0 option names, see virsh(1)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrateOptions } from '../../src/drivers/ssh/virsh-argv.ts';
import {
  bandwidthMibPerS,
  migrationDestinationUri,
  untilInputEnds,
  virshDominfo,
  virshDomjobabort,
  virshDomjobinfo,
  virshDomstatsInterfaces,
  virshDomainEvents,
  virshListAll,
  virshMigrate,
  virshMigratePostcopyResume,
  virshPostcopySwitchLoop,
  precopyHoldMibPerS,
  virshMigrateSetMaxDowntime, virshDomdirtyrateCalc, virshDomstatsDirtyrate, virshListRunningNames } from '../../src/drivers/ssh/virsh-argv.ts';
import { commandLine } from '../../src/drivers/ssh/shell-quote.ts';

const uri = 'qemu:///system';
const dest = 'qemu+ssh://10.200.0.2/system';
const base: MigrateOptions = { vm: 'gsend', mode: 'pre-copy', bandwidthMbps: 0, autoConverge: false, persistent: false, undefineSource: false, postcopySwitch: 'immediate' };

test('inventory and counter reads', () => {
  assert.deepEqual(virshListAll(uri), ['virsh', '-c', uri, 'list', '--all']);
  assert.deepEqual(virshDominfo(uri, 'gsend'), ['virsh', '-c', uri, 'dominfo', 'gsend']);
  assert.deepEqual(virshDomstatsInterfaces(uri), ['virsh', '-c', uri, 'domstats', '--interface', '--list-running', '--raw']);
});

test('domjobinfo: running job, completed job (clearing or keeping it)', () => {
  assert.deepEqual(virshDomjobinfo(uri, 'grecv'), ['virsh', '-c', uri, 'domjobinfo', 'grecv', '--rawstats']);
  assert.deepEqual(virshDomjobinfo(uri, 'grecv', { completed: true }), ['virsh', '-c', uri, 'domjobinfo', 'grecv', '--rawstats', '--completed']);
  assert.deepEqual(virshDomjobinfo(uri, 'grecv', { completed: true, keepCompleted: true }), [
    'virsh', '-c', uri, 'domjobinfo', 'grecv', '--rawstats', '--completed', '--keep-completed',
  ]);
  assert.deepEqual(virshDomjobinfo(uri, 'grecv', { keepCompleted: true }), ['virsh', '-c', uri, 'domjobinfo', 'grecv', '--rawstats']);
});

test('pre-copy with no limits', () => {
  assert.deepEqual(virshMigrate(uri, dest, base), ['virsh', '-c', uri, 'migrate', '--live', '--verbose', 'gsend', dest]);
});

test('post-copy enables --postcopy (the switch is migrate-postcopy); an immediate switch holds pre-copy at 1 MiB/s', () => {
  assert.deepEqual(virshMigrate(uri, dest, { ...base, vm: 'grecv', mode: 'post-copy' }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--postcopy', '--bandwidth', '1', 'grecv', dest,
  ]);
  assert.deepEqual(virshMigrate(uri, dest, { ...base, vm: 'grecv', mode: 'post-copy', bandwidthMbps: 64 }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--postcopy', '--bandwidth', '1', '--postcopy-bandwidth', '7', 'grecv', dest,
  ]);
  assert.deepEqual(virshMigrate(uri, dest, { ...base, vm: 'grecv', mode: 'post-copy', postcopySwitch: 'after-first-pass' }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--postcopy', 'grecv', dest,
  ]);
  assert.deepEqual(virshMigrate(uri, dest, { ...base, vm: 'grecv', mode: 'post-copy', postcopySwitch: 'after-first-pass', bandwidthMbps: 64 }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--postcopy', '--bandwidth', '7', '--postcopy-bandwidth', '7', 'grecv', dest,
  ]);
  assert.ok(!virshMigrate(uri, dest, { ...base, mode: 'post-copy' }).includes('--postcopy-after-precopy'));
  assert.equal(precopyHoldMibPerS, 1);
});

test('post-copy switch loop on the host: inputs as arguments, never in the script', () => {
  const now = virshPostcopySwitchLoop(uri, 'grecv', { retryMs: 100, afterFirstPass: false, maxTries: 600, restoreMibPerS: 0 });
  assert.deepEqual([now[0], now[1], ...now.slice(3)], ['sh', '-c', 'sh', uri, 'grecv', '0.100', 'immediate', '600', '1048576', '1', 'gave-up', 'requested', 'switched']);
  const later = virshPostcopySwitchLoop(uri, 'grecv', { retryMs: 250, afterFirstPass: true, maxTries: 40, restoreMibPerS: 7 });
  assert.deepEqual(later.slice(3), ['sh', uri, 'grecv', '0.250', 'after-first-pass', '40', '7', '1', 'gave-up', 'requested', 'switched']);
  assert.ok(!now[2]!.includes('grecv'));
  assert.match(now[2]!, /migrate-setspeed "\$2" "\$7"/, 'holds pre-copy once the first pass is done');
  assert.match(now[2]!, /until virsh -c "\$1" migrate-postcopy "\$2" 2>\/dev\/null; do\n/);
  assert.match(now[2]!, /echo "\$9"\n/, 'its words are arguments too (postcopy-switch-words.ts)');
  assert.match(now[2]!, /domstate "\$2" --reason/);
  assert.match(now[2]!, /\*post-copy\*\) echo "\$\{10\}"; exit 0 ;;/);
});

test('every constraint mapped to its libvirt option', () => {
  assert.deepEqual(virshMigrate(uri, dest, { ...base, bandwidthMbps: 64, autoConverge: true, persistent: true, undefineSource: true }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--bandwidth', '7', '--auto-converge', '--persistent', '--undefinesource', 'gsend', dest,
  ]);
});

test('bandwidth: Mbit/s to MiB/s, rounded down, at least 1', () => {
  assert.equal(bandwidthMibPerS(8.388608), 1);
  assert.equal(bandwidthMibPerS(67.108864), 8);
  assert.equal(bandwidthMibPerS(67.1), 7);
  assert.equal(bandwidthMibPerS(1000), 119);
  assert.equal(bandwidthMibPerS(1), 1);
});

test('max downtime is set on the running job (virsh 9.0 migrate has no downtime option)', () => {
  assert.deepEqual(virshMigrateSetMaxDowntime(uri, 'gsend', 250), ['virsh', '-c', uri, 'migrate-setmaxdowntime', 'gsend', '250']);
  assert.ok(!virshMigrate(uri, dest, base).some((a) => a.includes('downtime')));
});

test('abort, post-copy recovery, the domain\'s events', () => {
  assert.deepEqual(virshDomjobabort(uri, 'gsend'), ['virsh', '-c', uri, 'domjobabort', 'gsend']);
  assert.deepEqual(virshMigratePostcopyResume(uri, dest, { ...base, vm: 'grecv', mode: 'post-copy', bandwidthMbps: 64 }), [
    'virsh', '-c', uri, 'migrate', '--live', '--verbose', '--postcopy', '--postcopy-resume', '--bandwidth', '1', '--postcopy-bandwidth', '7', 'grecv', dest,
  ]);
  assert.deepEqual(virshDomainEvents(uri, 'grecv'), ['virsh', '-c', uri, 'event', '--domain', 'grecv', '--all', '--loop', '--timestamp']);
});

test('long-running commands stop when their input ends', () => {
  const argv = untilInputEnds(['virsh', '-c', uri, 'event', '--loop']);
  assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
  assert.deepEqual(argv.slice(3), ['sh', 'virsh', '-c', uri, 'event', '--loop']);
});

test('destination URI: the migration address and the path of the destination libvirt URI', () => {
  assert.equal(migrationDestinationUri('10.200.0.2', 'qemu:///system'), 'qemu+ssh://10.200.0.2/system');
  assert.equal(migrationDestinationUri('hostB', 'qemu:///session'), 'qemu+ssh://hostB/session');
  assert.equal(migrationDestinationUri('hostB', 'qemu+ssh://root@10.0.0.9:2222/system?keyfile=/k'), 'qemu+ssh://hostB/system');
});

test('domain names are data: quoted, and a leading dash is refused rather than read as an option', () => {
  assert.equal(commandLine(virshDominfo(uri, "vm; rm -rf /")), "virsh -c qemu:///system dominfo 'vm; rm -rf /'");
  assert.throws(() => virshDominfo(uri, '--all'), /unusable domain name/);
  assert.throws(() => virshMigrate(uri, dest, { ...base, vm: '' }), /unusable domain name/);
});

test('dirty rates: a calculation per domain (1-60 s, mode optional), then one domstats for all', () => {
  assert.deepEqual(virshListRunningNames(uri), ['virsh', '-c', uri, 'list', '--name']);
  assert.deepEqual(virshDomdirtyrateCalc(uri, 'grecv', 1), ['virsh', '-c', uri, 'domdirtyrate-calc', 'grecv', '--seconds', '1']);
  assert.deepEqual(virshDomdirtyrateCalc(uri, 'grecv', 300, 'dirty-bitmap'), ['virsh', '-c', uri, 'domdirtyrate-calc', 'grecv', '--seconds', '60', '--mode', 'dirty-bitmap']);
  assert.deepEqual(virshDomdirtyrateCalc(uri, 'grecv', 0.2), ['virsh', '-c', uri, 'domdirtyrate-calc', 'grecv', '--seconds', '1']);
  assert.throws(() => virshDomdirtyrateCalc(uri, '--all', 1), /unusable domain name/);
  assert.deepEqual(virshDomstatsDirtyrate(uri), ['virsh', '-c', uri, 'domstats', '--dirtyrate', '--list-running', '--raw']);
});
