// A pre-copy confirmed from the hosts' event streams, on the events captured on the lab (libvirt
// 11.3 / QEMU 10.0): what counts as "moved", and each missing piece that leaves it to virsh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { confirmed } from '../../src/drivers/ssh/event-confirmation.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/virsh/${name}`, import.meta.url), 'utf8');
const source = fixture('event-all-precopy-source.txt');
const destination = fixture('event-all-precopy-destination.txt');
const line = (detail: string): string => `2026-12-02 06:52:49.000+0000: event 'lifecycle' for domain 'gsend': ${detail}\n`;

test('both hosts captured: confirmed, with the statistics of the source job-completed event', () => {
  const stats = confirmed('gsend', source, destination);
  assert.equal(stats?.downtimeMs, 271);
  assert.equal(stats?.dataProcessedBytes, 97927898);
  assert.equal(stats?.memoryIteration, 3);
});

test('another domain events do not confirm this one', () => {
  assert.equal(confirmed('grecv', source, destination), undefined);
});

test('no "Resumed Migrated" on the destination: not confirmed', () => {
  assert.equal(confirmed('gsend', source, destination.split('\n')[0]! + '\n'), undefined);
});

test('stopped or crashed on the destination after resuming: not confirmed', () => {
  assert.equal(confirmed('gsend', source, destination + line('Stopped Failed')), undefined);
  assert.equal(confirmed('gsend', source, destination + line('Crashed Panicked')), undefined);
  assert.ok(confirmed('gsend', source, destination + line('Suspended Paused')), 'a pause is not a loss');
});

test('the source job-completed event cut before its statistics, or missing: not confirmed', () => {
  const cut = source.slice(0, source.indexOf('\tdowntime:'));
  assert.equal(confirmed('gsend', cut, destination), undefined);
  const withoutStop = source.replace(/^.*Stopped Migrated\n/m, '');
  assert.equal(confirmed('gsend', withoutStop, destination), undefined);
});
