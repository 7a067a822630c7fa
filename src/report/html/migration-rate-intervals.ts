// A migration's stream rate over run time, from its progress samples (bytes transferred so far).
// The byte counter restarts with every attempt, so each attempt is differenced on its own and
// its first sample counts from the attempt's start.
import type { MigrationRecord } from '../../executor/migration-record.ts';
import type { RateInterval } from './rate-buckets.ts';

const BITS_PER_BYTE = 8;

export function migrationRateIntervals(record: MigrationRecord): RateInterval[] {
  const intervals: RateInterval[] = [];
  let prev: { atS: number; bytes: number; attempt: number } | undefined;
  for (const p of record.progress ?? []) {
    const attempt = record.attempts.findIndex((a) => p.at_s > a.started_s && p.at_s <= a.finished_s + 1e-9);
    const fresh = !prev || attempt !== prev.attempt || p.transferred_bytes < prev.bytes;
    const startS = fresh ? (record.attempts[attempt]?.started_s ?? record.started_s ?? p.at_s) : prev!.atS;
    const bytes = fresh ? p.transferred_bytes : p.transferred_bytes - prev!.bytes;
    if (p.at_s > startS) intervals.push({ startS, endS: p.at_s, mbps: (bytes * BITS_PER_BYTE) / 1e6 / (p.at_s - startS) });
    prev = { atS: p.at_s, bytes: p.transferred_bytes, attempt };
  }
  return intervals;
}
