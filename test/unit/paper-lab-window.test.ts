import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guestRatesInWindow, parseDomstatsTotals, type HostPoll } from '../../bench/paper/lab-traffic-window.ts';

const poll = (host: string, atMs: number, tx?: number): HostPoll => ({ host, atMs, guests: new Map(tx === undefined ? [] : [['g', { txBytes: tx, rxBytes: 0 }]]) });

test('a guest that moves hosts: source counters freeze, destination counters start from 0, the window sums both', () => {
  const polls = [poll('A', 0, 1000), poll('B', 0), poll('A', 1000, 2000), poll('B', 1000, 0), poll('A', 2000), poll('B', 2000, 500), poll('A', 3000), poll('B', 3000, 1500)];
  // 0 → 3 s: 1000 bytes on A, then 1500 on B.
  assert.equal(guestRatesInWindow(polls, 'g', 0, 3000).txBytesPerS, 2500 / 3);
  assert.equal(guestRatesInWindow(polls, 'g', 1000, 2000).txBytesPerS, 500);
});

test('domstats --raw: interfaces of a domain summed, domains apart', () => {
  const text = "Domain: 'a'\n  net.count=2\n  net.0.rx.bytes=10\n  net.0.tx.bytes=20\n  net.1.rx.bytes=1\n  net.1.tx.bytes=2\n\nDomain: 'b'\n  net.count=0\n";
  assert.deepEqual([...parseDomstatsTotals(text)], [
    ['a', { txBytes: 22, rxBytes: 11 }],
    ['b', { txBytes: 0, rxBytes: 0 }],
  ]);
});
