// The seed's two result tables (Deshpande & Keahey, "Traffic-sensitive live migration"), as printed.
import type { Strategy } from '../../src/planner/types.ts';

export const STRATEGIES: readonly Strategy[] = ['pre-copy', 'post-copy', 'traffic-sensitive'];

/** Experiment 1: two 5 GB VMs (netperf client → server) on one host, 1 Gbit/s NICs. */
export const SEED_NETPERF = {
  vmCount: 2,
  vmMemoryGb: 5,
  nicMbps: 1000,
  netperfDemandMbps: 900,
  totalMigrationTimeS: { 'pre-copy': 79.1, 'post-copy': 92.1, 'traffic-sensitive': 48.2 },
  /** "MB" in the seed; 2 × 5120 MiB + state fits them only if MB means MiB. */
  dataTransferredMb: { 'pre-copy': 10280, 'post-copy': 10277, 'traffic-sensitive': 10278 },
  netperfMbps: { 'pre-copy': 690.47, 'post-copy': 660.05, 'traffic-sensitive': 894.65 },
} as const satisfies Record<string, unknown>;

/** Experiment 2: 8 source hosts × 2 VMs (12 Redis servers, 4 YCSB clients) to 8 destinations. */
export const SEED_YCSB = {
  vmCount: 16,
  serverCount: 12,
  clientCount: 4,
  averageMigrationTimeS: { 'pre-copy': 50.56, 'post-copy': 60.48, 'traffic-sensitive': 37.79 },
  totalMigrationTimeS: { 'pre-copy': 74.5, 'post-copy': 139, 'traffic-sensitive': 57.75 },
  dataTransferredGb: { 'pre-copy': 50.9, 'post-copy': 30.18, 'traffic-sensitive': 34.07 },
  ycsbOpsPerS: { 'pre-copy': 3875, 'post-copy': 4161, 'traffic-sensitive': 4126 },
  /** The seed's "Without migration" column, as printed (only the ops/s can be a baseline). */
  withoutMigration: { averageMigrationTimeS: 3.5, totalMigrationTimeS: 1.5, dataTransferredGb: 15, ycsbOpsPerS: 4802 },
} as const satisfies Record<string, unknown>;

export type PerStrategy<T> = Record<Strategy, T>;
