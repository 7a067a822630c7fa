import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateMaxMinFair } from '../../src/drivers/sim/max-min-fair.ts';

const close = (actual: number[], expected: number[]): void =>
  assert.deepEqual(
    actual.map((x) => Math.round(x * 1e6) / 1e6),
    expected,
  );

test('flows on one link share it equally unless they want less', () => {
  const cap = new Map([['A:tx', 1000]]);
  close(allocateMaxMinFair([{ demandMbps: 900, links: ['A:tx'] }, { demandMbps: Infinity, links: ['A:tx'] }], cap), [500, 500]);
  close(allocateMaxMinFair([{ demandMbps: 200, links: ['A:tx'] }, { demandMbps: Infinity, links: ['A:tx'] }], cap), [200, 800]);
});

test('a flow bottlenecked elsewhere leaves its share to the others (hand-computed progressive filling)', () => {
  // A=10 carries f1 (wants 2), f2, f3; B=3 carries f3 and f4.
  // Step 1: all rise to 1.5, B is full (f3, f4 frozen). Step 2: f1 reaches 2. Step 3: f2 takes A's rest: 10-2-1.5 = 6.5.
  const rates = allocateMaxMinFair(
    [
      { demandMbps: 2, links: ['A'] },
      { demandMbps: Infinity, links: ['A'] },
      { demandMbps: Infinity, links: ['A', 'B'] },
      { demandMbps: Infinity, links: ['B'] },
    ],
    new Map([
      ['A', 10],
      ['B', 3],
    ]),
  );
  close(rates, [2, 6.5, 1.5, 1.5]);
});

test('the seed setting: a 900 Mbps sender and two migration streams on a 1 Gbps NIC', () => {
  const cap = new Map([
    ['A:tx', 1000],
    ['B:rx', 1000],
  ]);
  const rates = allocateMaxMinFair(
    [
      { demandMbps: 900, links: ['A:tx'] },
      { demandMbps: Infinity, links: ['A:tx', 'B:rx'] },
      { demandMbps: Infinity, links: ['A:tx', 'B:rx'] },
    ],
    cap,
  );
  close(rates, [1000 / 3, 1000 / 3, 1000 / 3].map((x) => Math.round(x * 1e6) / 1e6));
});

test('zero demand and zero capacity give zero, never negative', () => {
  close(allocateMaxMinFair([{ demandMbps: 0, links: ['A'] }, { demandMbps: 5, links: ['Z'] }], new Map([['A', 10], ['Z', 0]])), [0, 0]);
});
