// The destination's QEMU log, read when a migrated VM is found on neither host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { qemuLogEvents, qemuLogPath, qemuLogTailArgv } from '../../src/drivers/ssh/qemu-log.ts';

// Captured on the lab (hostB): gsend migrated in, then out again; PATH shortened.
const migratedInThenOut = readFileSync(new URL('../fixtures/qemu-log-migrated-in-then-out.txt', import.meta.url), 'utf8');

test('the log of a system URI is libvirt default log_dir/NAME.log; session and remote URIs have none tsmig can name', () => {
  assert.equal(qemuLogPath('qemu:///system', 'gsend'), '/var/log/libvirt/qemu/gsend.log');
  assert.equal(qemuLogPath('qemu+unix:///system?socket=/run/libvirt/libvirt-sock', 'web-1.prod'), '/var/log/libvirt/qemu/web-1.prod.log');
  assert.equal(qemuLogPath('qemu:///session', 'gsend'), undefined);
  assert.equal(qemuLogPath('qemu+ssh://other/system', 'gsend'), undefined);
});

test('a name that could leave the log directory gets no path', () => {
  for (const name of ['../etc/shadow', 'a/b', '..', '.hidden', '', 'vm;reboot']) assert.equal(qemuLogPath('qemu:///system', name), undefined, name);
});

test('tail argv ends option parsing before the path', () => {
  assert.deepEqual(qemuLogTailArgv('/var/log/libvirt/qemu/-odd.log', 50), ['tail', '-n', '50', '--', '/var/log/libvirt/qemu/-odd.log']);
});

test('the events of a real log: the start, the migration, how QEMU ended; not its environment and command line', () => {
  const events = qemuLogEvents(migratedInThenOut, 10);
  assert.equal(events.length, 6, events.join('\n'));
  assert.match(events[0]!, /starting up libvirt version: 9\.0\.0/);
  assert.match(events.at(-2)!, /shutting down, reason=migrated$/);
  assert.match(events.at(-1)!, /qemu-system-x86_64: terminating on signal 15 from pid \d+ \(\/usr\/sbin\/libvirtd\)$/);
  assert.ok(!events.some((l) => /^(PATH|HOME|LC_ALL)=|^-|^\/usr\/bin\/qemu/.test(l)));
});

test('only the last lines are kept', () => {
  assert.deepEqual(qemuLogEvents(migratedInThenOut, 2).map((l) => l.replace(/^.*?: /, '')), [
    'shutting down, reason=migrated',
    'terminating on signal 15 from pid 15976 (/usr/sbin/libvirtd)',
  ]);
});
