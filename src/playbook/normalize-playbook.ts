// Raw playbook → Playbook: durations in ms, defaults from one table, units in names.
import type { RawPlaybook } from './playbook-schema.ts';
import type { Constraints, Inventory, MigrationSpec, Playbook } from './types.ts';
import type { SourceMap } from './source-map.ts';
import { parseDurationMs } from '../util/duration.ts';

/** Like KubeVirt's migration policy: named settings with defaults, not constants in code. */
export const CONSTRAINT_DEFAULTS: Constraints = {
  maxParallel: 4,
  maxOutboundPerHost: Infinity,
  maxInboundPerHost: Infinity,
  bandwidthMbps: 0,
  maxDowntimeMs: 300, // QEMU's default downtime limit
  timeoutMs: 10 * 60_000,
  retries: 2,
  retryDelayMs: 5000,
  allowedModes: ['pre-copy', 'post-copy'],
  autoConverge: false,
  convergence: 'prefer-post-copy',
  postcopySwitch: 'immediate',
  persistent: false,
  undefineSource: false,
};

export const SAMPLING_DEFAULTS = { durationMs: 30_000, intervalMs: 1000 };
/** Planning stops after 10 s, or once within 0.5 % of the contention's lower bound. */
export const PLANNER_DEFAULTS = { timeLimitMs: 10_000, gap: 0.005 };

export function normalizePlaybook(raw: RawPlaybook, file: string, inventory: Inventory, sourceMap: SourceMap): Playbook {
  const c = raw.constraints ?? {};
  const d = CONSTRAINT_DEFAULTS;
  const ms = (v: string | number | undefined, fallback: number): number => (v === undefined ? fallback : parseDurationMs(v));
  const constraints: Constraints = {
    maxParallel: c.max_parallel ?? d.maxParallel,
    maxOutboundPerHost: c.max_outbound_per_host ?? d.maxOutboundPerHost,
    maxInboundPerHost: c.max_inbound_per_host ?? d.maxInboundPerHost,
    bandwidthMbps: c.bandwidth_mbps ?? d.bandwidthMbps,
    maxDowntimeMs: ms(c.max_downtime, d.maxDowntimeMs),
    timeoutMs: ms(c.timeout, d.timeoutMs),
    retries: c.retries ?? d.retries,
    retryDelayMs: ms(c.retry_delay, d.retryDelayMs),
    allowedModes: c.modes ? [...c.modes] : d.allowedModes,
    autoConverge: c.auto_converge ?? d.autoConverge,
    // With post-copy not allowed at all, preferring it would mean nothing.
    convergence: c.convergence ?? (c.modes && !c.modes.includes('post-copy') ? 'auto-converge' : d.convergence),
    postcopySwitch: c.postcopy_switch ?? d.postcopySwitch,
    persistent: c.persistent ?? d.persistent,
    undefineSource: c.undefine_source ?? d.undefineSource,
    ...(c.deadline === undefined ? {} : { deadlineMs: parseDurationMs(c.deadline) }),
  };
  const migrations: MigrationSpec[] = raw.migrations.map((m, i) => ({
    from: m.from,
    to: typeof m.to === 'string' ? (m.to === 'any' ? 'any' : [m.to]) : [...m.to],
    vms: m.vms === undefined || m.vms === 'all' ? 'all' : [...m.vms],
    mode: m.mode,
    postcopy: m.postcopy ?? 'allow',
    position: sourceMap.positionOf(`/migrations/${i}`),
  }));
  return {
    name: raw.name,
    file,
    inventory,
    sampling: {
      durationMs: ms(raw.sampling?.duration, SAMPLING_DEFAULTS.durationMs),
      intervalMs: ms(raw.sampling?.interval, SAMPLING_DEFAULTS.intervalMs),
    },
    strategy: raw.strategy ?? 'traffic-sensitive',
    objective: raw.objective ?? 'contention',
    planner: {
      timeLimitMs: ms(raw.planner?.time_limit, PLANNER_DEFAULTS.timeLimitMs),
      gap: raw.planner?.gap === undefined ? PLANNER_DEFAULTS.gap : Number(String(raw.planner.gap).replace('%', '')) / 100,
    },
    migrations,
    constraints,
    report: { path: raw.report?.path, dir: raw.report?.dir, formats: raw.report?.formats ? [...raw.report.formats] : ['json'] },
  };
}
