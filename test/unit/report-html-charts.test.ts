import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationRateIntervals } from '../../src/report/html/migration-rate-intervals.ts';
import { bucketRates } from '../../src/report/html/rate-buckets.ts';
import { formatClockS, timeTicks, valueTicks } from '../../src/report/html/svg-axis.ts';
import type { MigrationRecord } from '../../src/executor/migration-record.ts';

const megabits = (buckets: Array<{ startS: number; endS: number; mbps: number }>): number => buckets.reduce((s, b) => s + b.mbps * (b.endS - b.startS), 0);

test('bucketRates: bits are conserved, overlapping intervals add up, time outside the range is cut', () => {
  const ivs = [
    { startS: 0, endS: 10, mbps: 100 },
    { startS: 5, endS: 15, mbps: 50 },
    { startS: 18, endS: 30, mbps: 10 },
  ];
  const buckets = bucketRates(ivs, 0, 20, 4);
  assert.deepEqual(buckets.map((b) => b.mbps), [100, 150, 50, 10 * (2 / 5)]);
  assert.equal(megabits(buckets), 100 * 10 + 50 * 10 + 10 * 2);
  assert.deepEqual(bucketRates(ivs, 5, 5, 4), [], 'empty range');
});

test('migrationRateIntervals: each attempt is differenced from its own start (the byte counter restarts)', () => {
  const record = {
    started_s: 10,
    attempts: [
      { attempt: 1, started_s: 10, finished_s: 12, error: 'x' },
      { attempt: 2, started_s: 17, finished_s: 19 },
    ],
    progress: [
      { at_s: 11, transferred_bytes: 1_000_000, rate_mbps: 8 },
      { at_s: 12, transferred_bytes: 3_000_000, rate_mbps: 16 },
      { at_s: 18, transferred_bytes: 500_000, rate_mbps: 4 },
      { at_s: 19, transferred_bytes: 1_500_000, rate_mbps: 8 },
    ],
  } as unknown as MigrationRecord;
  assert.deepEqual(migrationRateIntervals(record), [
    { startS: 10, endS: 11, mbps: 8 },
    { startS: 11, endS: 12, mbps: 16 },
    { startS: 17, endS: 18, mbps: 4 },
    { startS: 18, endS: 19, mbps: 8 },
  ]);
  assert.deepEqual(migrationRateIntervals({ ...record, progress: undefined }), []);
});

test('axis ticks land on round values and reach past the maximum; clock labels', () => {
  assert.deepEqual(valueTicks(805, 4), [0, 250, 500, 750, 1000]);
  assert.deepEqual(valueTicks(1800, 4), [0, 500, 1000, 1500, 2000]);
  assert.deepEqual(valueTicks(60, 4), [0, 20, 40, 60]);
  assert.deepEqual(valueTicks(0, 4), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(timeTicks(1840, 8), [0, 300, 600, 900, 1200, 1500, 1800, 2100]);
  assert.deepEqual(timeTicks(30, 6), [0, 5, 10, 15, 20, 25, 30]);
  assert.deepEqual([45, 150, 3725].map(formatClockS), ['45s', '2:30', '1:02:05']);
});
