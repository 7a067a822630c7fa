// Bounds on every duration of a playbook or inventory, checked once parsed (the schema sees only
// strings like "2m"): a sampling interval of a microsecond or a timeout of a century would make
// a run that eats memory or never ends.
import { driverHostDurationBounds, driverInventoryDurationBounds } from '../drivers/driver-options.ts';
import { parseDurationMs } from '../util/duration.ts';
import { HOUR_MS as H, MINUTE_MS as MIN, SECOND_MS as S, type DurationBound } from './schema-fragments.ts';
import type { Problem } from './semantic-check.ts';
import { escapePointer, type SourceMap } from './source-map.ts';

export type { DurationBound };

const hostBounds: Record<string, DurationBound> = driverHostDurationBounds;
const inventoryBounds: Record<string, DurationBound> = driverInventoryDurationBounds;

/** One table, also quoted by the README's key table. */
export const DURATION_BOUNDS = {
  'sampling.duration': { minMs: 100, maxMs: H },
  'sampling.interval': { minMs: 100, maxMs: H },
  'constraints.max_downtime': { minMs: 1, maxMs: MIN },
  'constraints.timeout': { minMs: S, maxMs: 24 * H },
  'constraints.retry_delay': { minMs: 0, maxMs: H },
  'constraints.deadline': { minMs: S, maxMs: 7 * 24 * H },
  // The drivers' own duration keys, declared beside each driver.
  ...Object.fromEntries(Object.entries(hostBounds).map(([key, bound]) => [`hosts.H.${key}`, bound])),
  ...inventoryBounds,
} as const satisfies Record<string, DurationBound>;

/** Samples per host in one window: beyond this a window is a memory problem, not a measurement. */
export const MAX_SAMPLES_PER_WINDOW = 10_000;

type RawDuration = string | number | undefined;

function check(problems: Problem[], map: SourceMap, pointer: string, key: string, value: RawDuration): void {
  if (value === undefined || typeof value === 'object') return;
  const ms = parseDurationMs(value);
  const bound = (DURATION_BOUNDS as Record<string, DurationBound>)[key];
  if (!bound) return;
  const { minMs, maxMs } = bound;
  if (!(ms >= minMs && ms <= maxMs)) {
    problems.push({ position: map.positionOf(pointer), message: `${key.replace('hosts.H.', '')} must be between ${formatMs(minMs)} and ${formatMs(maxMs)}, not ${formatMs(ms)}` });
  }
}

export interface RawDurations {
  sampling?: { duration?: RawDuration; interval?: RawDuration };
  constraints?: { max_downtime?: RawDuration; timeout?: RawDuration; retry_delay?: RawDuration; deadline?: RawDuration };
}

export interface RawInventoryDurations {
  defaults?: Record<string, unknown>;
  hosts: Record<string, Record<string, unknown>>;
}

export function checkPlaybookDurations(raw: RawDurations, map: SourceMap): Problem[] {
  const problems: Problem[] = [];
  check(problems, map, '/sampling/duration', 'sampling.duration', raw.sampling?.duration);
  check(problems, map, '/sampling/interval', 'sampling.interval', raw.sampling?.interval);
  for (const key of ['max_downtime', 'timeout', 'retry_delay', 'deadline'] as const) {
    check(problems, map, `/constraints/${key}`, `constraints.${key}`, raw.constraints?.[key]);
  }
  return problems;
}

export function checkInventoryDurations(raw: RawInventoryDurations, map: SourceMap, base: string): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(hostBounds)) {
    const label = `hosts.H.${key}`;
    check(problems, map, `${base}/defaults/${escapePointer(key)}`, label, raw.defaults?.[key] as RawDuration);
    for (const [name, host] of Object.entries(raw.hosts)) {
      check(problems, map, `${base}/hosts/${escapePointer(name)}/${escapePointer(key)}`, label, host?.[key] as RawDuration);
    }
  }
  for (const dotted of Object.keys(inventoryBounds)) {
    const path = dotted.split('.');
    const value = path.reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), raw);
    check(problems, map, `${base}/${path.map(escapePointer).join('/')}`, dotted, value as RawDuration);
  }
  return problems;
}

function formatMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < S) return `${+ms.toPrecision(3)}ms`;
  if (ms < MIN) return `${+(ms / S).toPrecision(3)}s`;
  if (ms < H) return `${+(ms / MIN).toPrecision(3)}m`;
  return `${+(ms / H).toPrecision(3)}h`;
}
