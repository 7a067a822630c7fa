// JSON Schema pieces shared by the playbook's own keys and the keys each driver declares
// (src/drivers/*/…-options.ts): names, durations, and the physical bounds on every number.

/** Host and VM names: no shell metacharacters can get in. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
/** `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds. */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)?$';

export const duration = {
  oneOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
  description: 'A duration: 500ms, 30s, 2m, 1h, or a number of seconds.',
} as const;

/**
 * Bounds on every number: what makes physical sense, so no value can make a run endless or huge.
 * Durations are strings; their bounds are checked after parsing (duration-bounds.ts).
 */
export const BOUNDS = {
  /** 1 Tbit/s: beyond any NIC. */
  maxMbps: 1_000_000,
  /** 64 TiB: beyond any host or VM. */
  maxMemoryMib: 64 * 1024 * 1024,
  maxVcpus: 4096,
  /** 1 TiB/s: beyond any memory bus. */
  maxDirtyMibPerS: 1024 * 1024,
  maxFailMigrations: 1000,
  /** Migrations at once, per cluster or per host. */
  maxParallel: 10_000,
  maxRetries: 100,
} as const;

export const mbps = { type: 'number', minimum: 0, maximum: BOUNDS.maxMbps, description: 'Megabits per second.' } as const;
export const memoryMib = { type: 'integer', minimum: 1, maximum: BOUNDS.maxMemoryMib } as const;
export const vcpus = { type: 'integer', minimum: 1, maximum: BOUNDS.maxVcpus } as const;
export const name = { type: 'string', pattern: NAME_PATTERN } as const;

export interface DurationBound {
  minMs: number;
  maxMs: number;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
