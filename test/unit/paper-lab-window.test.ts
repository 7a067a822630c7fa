import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseVirshVersion } from '../../bench/paper/lab-stack.ts';
import { guestRatesInWindow, nicRateSeries, nicRatesInWindow, parseDomstatsTotals, parseNicCounters, type HostPoll } from '../../bench/paper/lab-traffic-window.ts';

const poll = (host: string, atMs: number, tx?: number): HostPoll => ({ host, atMs, guests: new Map(tx === undefined ? [] : [['g', { txBytes: tx, rxBytes: 0 }]]) });

test('a guest that moves hosts: source counters freeze, destination counters start from 0, the window sums both', () => {
  const polls = [poll('A', 0, 1000), poll('B', 0), poll('A', 1000, 2000), poll('B', 1000, 0), poll('A', 2000), poll('B', 2000, 500), poll('A', 3000), poll('B', 3000, 1500)];
  // 0 → 3 s: 1000 bytes on A, then 1500 on B.
  assert.equal(guestRatesInWindow(polls, 'g', 0, 3000).txBytesPerS, 2500 / 3);
  assert.equal(guestRatesInWindow(polls, 'g', 1000, 2000).txBytesPerS, 500);
});

test('domstats --raw: interfaces of a domain summed, domains apart', () => {
  // As virsh prints it (read by the ssh driver's parser): packets beside bytes.
  const text =
    "Domain: 'a'\n  net.count=2\n  net.0.rx.bytes=10\n  net.0.rx.pkts=1\n  net.0.tx.bytes=20\n  net.0.tx.pkts=2\n" +
    "  net.1.rx.bytes=1\n  net.1.rx.pkts=1\n  net.1.tx.bytes=2\n  net.1.tx.pkts=1\n\nDomain: 'b'\n  net.count=0\n";
  assert.deepEqual([...parseDomstatsTotals(text)], [
    ['a', { txBytes: 22, rxBytes: 11 }],
    ['b', { txBytes: 0, rxBytes: 0 }],
  ]);
});

const nicPoll = (host: string, atMs: number, txBytes: number, rxBytes: number): HostPoll => ({ host, atMs, guests: new Map(), nic: { txBytes, rxBytes } });

test('host link rates per direction over a window and in bins, each host apart', () => {
  const polls = [nicPoll('A', 0, 0, 0), nicPoll('B', 0, 0, 0), nicPoll('A', 1000, 2000, 100), nicPoll('B', 1000, 10, 4000), nicPoll('A', 2000, 3000, 200), nicPoll('B', 2000, 20, 4000)];
  assert.deepEqual(nicRatesInWindow(polls, 'A', 0, 2000), { txBytesPerS: 1500, rxBytesPerS: 100 });
  assert.deepEqual(nicRatesInWindow(polls, 'B', 0, 2000), { txBytesPerS: 10, rxBytesPerS: 2000 });
  assert.deepEqual(nicRateSeries(polls, 'B', 0, 2000, 1000), [
    { atS: 0, txBytesPerS: 10, rxBytesPerS: 4000 },
    { atS: 1, txBytesPerS: 10, rxBytesPerS: 0 },
  ]);
  assert.equal(nicRatesInWindow(polls, 'A', 500, 900), undefined, 'no two polls inside: no rate');
});

test('the poller block: NIC counters beside domstats', () => {
  // The poller prints the host NIC's counters, then virsh's output (here a capture from the lab).
  const captured = readFileSync(new URL('../fixtures/virsh/domstats-interface-raw-hostA-after-precopy.txt', import.meta.url), 'utf8');
  const block = `nic.tx.bytes=12\nnic.rx.bytes=34\n${captured}`;
  assert.deepEqual(parseNicCounters(block), { txBytes: 12, rxBytes: 34 });
  // The same block feeds the guest counters: the NIC lines are not domstats lines.
  assert.deepEqual(parseDomstatsTotals(block), parseDomstatsTotals(captured));
  assert.ok(parseDomstatsTotals(block).size > 0);
  assert.equal(parseNicCounters("Domain: 'a'\n"), undefined);
});

test('virsh version: the daemon and the hypervisor', () => {
  const text = 'Compiled against library: libvirt 11.3.0\nUsing library: libvirt 11.3.0\nUsing API: QEMU 11.3.0\nRunning hypervisor: QEMU 10.0.2\nRunning against daemon: 11.3.0\n';
  assert.deepEqual(parseVirshVersion(text), { libvirt: '11.3.0', qemu: '10.0.2' });
  assert.throws(() => parseVirshVersion('error: failed to connect'), /no libvirt or QEMU version/);
});
