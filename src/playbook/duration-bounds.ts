// Bounds on every duration of a playbook or inventory, checked once parsed (the schema sees only
// strings like "2m"): a sampling interval of a microsecond or a timeout of a century would make
// a run that eats memory or never ends.
import { parseDurationMs } from '../util/duration.ts';
import type { Problem } from './semantic-check.ts';
import { escapePointer, type SourceMap } from './source-map.ts';

export interface DurationBound {
  minMs: number;
  maxMs: number;
}

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

/** One table, also quoted by the README's key table. */
export const DURATION_BOUNDS = {
  'sampling.duration': { minMs: 100, maxMs: H },
  'sampling.interval': { minMs: 100, maxMs: H },
  'constraints.max_downtime': { minMs: 1, maxMs: MIN },
  'constraints.timeout': { minMs: S, maxMs: 24 * H },
  'constraints.retry_delay': { minMs: 0, maxMs: H },
  'constraints.deadline': { minMs: S, maxMs: 7 * 24 * H },
  'hosts.H.connect_timeout': { minMs: 100, maxMs: 10 * MIN },
  'sim.faults.link_outage': { minMs: 0, maxMs: 24 * H },
  'sim.faults.host_outage': { minMs: 0, maxMs: 24 * H },
} as const satisfies Record<string, DurationBound>;

/** Samples per host in one window: beyond this a window is a memory problem, not a measurement. */
export const MAX_SAMPLES_PER_WINDOW = 10_000;

type RawDuration = string | number | undefined;

function check(problems: Problem[], map: SourceMap, pointer: string, key: keyof typeof DURATION_BOUNDS, value: RawDuration): void {
  if (value === undefined) return;
  const ms = parseDurationMs(value);
  const { minMs, maxMs } = DURATION_BOUNDS[key];
  if (!(ms >= minMs && ms <= maxMs)) {
    problems.push({ position: map.positionOf(pointer), message: `${key.replace('hosts.H.', '')} must be between ${formatMs(minMs)} and ${formatMs(maxMs)}, not ${formatMs(ms)}` });
  }
}

export interface RawDurations {
  sampling?: { duration?: RawDuration; interval?: RawDuration };
  constraints?: { max_downtime?: RawDuration; timeout?: RawDuration; retry_delay?: RawDuration; deadline?: RawDuration };
}

export interface RawInventoryDurations {
  defaults?: { connect_timeout?: RawDuration };
  hosts: Record<string, { connect_timeout?: RawDuration }>;
  sim?: { faults?: { link_outage?: RawDuration; host_outage?: RawDuration } };
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
  check(problems, map, `${base}/defaults/connect_timeout`, 'hosts.H.connect_timeout', raw.defaults?.connect_timeout);
  for (const [name, host] of Object.entries(raw.hosts)) {
    check(problems, map, `${base}/hosts/${escapePointer(name)}/connect_timeout`, 'hosts.H.connect_timeout', host?.connect_timeout);
  }
  check(problems, map, `${base}/sim/faults/link_outage`, 'sim.faults.link_outage', raw.sim?.faults?.link_outage);
  check(problems, map, `${base}/sim/faults/host_outage`, 'sim.faults.host_outage', raw.sim?.faults?.host_outage);
  return problems;
}

function formatMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < S) return `${+ms.toPrecision(3)}ms`;
  if (ms < MIN) return `${+(ms / S).toPrecision(3)}s`;
  if (ms < H) return `${+(ms / MIN).toPrecision(3)}m`;
  return `${+(ms / H).toPrecision(3)}h`;
}
