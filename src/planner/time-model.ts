// How long one migration takes at a constant stream rate, with the simulator's semantics:
// pre-copy sends all memory, then in each round what the guest dirtied during the previous one,
// and stops (VM paused) once the rest fits in the allowed downtime; post-copy sends memory once.
// The wave model (wave-fluid-model.ts) runs the same steps with rates that change as streams
// start and end; this constant-rate form answers "would it converge alone at this rate?".
import type { MigrationMode } from './types.ts';

const BYTES_PER_MIB = 1024 * 1024;
/** Connection set-up and destination QEMU start before memory flows (as the simulator's). */
export const MIGRATION_SETUP_S = 0.5;
export const DEFAULT_MAX_DOWNTIME_MS = 300;
/** With auto-converge, the guest's dirty rate is multiplied by this per round after the first (as the simulator's). */
export const AUTO_CONVERGE_FACTOR = 0.7;
/** Below this the rest is nothing left to send. */
export const EPSILON_MIB = 1 / BYTES_PER_MIB;

export function mibPerSecond(rateMbps: number): number {
  return (rateMbps * 1e6) / 8 / BYTES_PER_MIB;
}

export function mbpsFromMibPerSecond(mibPerS: number): number {
  return (mibPerS * BYTES_PER_MIB * 8) / 1e6;
}

export interface MigrationLoad {
  memoryMib: number;
  dirtyMibPerS: number;
  maxDowntimeMs: number;
  /** QEMU throttles the guest a little more each round. */
  autoConverge?: boolean;
}

/** Dirty rate during pre-copy round `round` (1-based). */
export function throttledDirtyMibPerS(load: MigrationLoad, round: number): number {
  return load.autoConverge ? load.dirtyMibPerS * Math.pow(AUTO_CONVERGE_FACTOR, Math.max(0, round - 1)) : load.dirtyMibPerS;
}

/** Infinity when a pre-copy never converges at this rate. */
export function migrationDurationS(mode: MigrationMode, load: MigrationLoad, rateMbps: number): number {
  return mode === 'pre-copy' ? preCopyDurationS(load, rateMbps) : postCopyDurationS(load, rateMbps);
}

export function postCopyDurationS(load: MigrationLoad, rateMbps: number): number {
  const perS = mibPerSecond(rateMbps);
  return perS > 0 ? MIGRATION_SETUP_S + load.memoryMib / perS : Infinity;
}

/** Infinity when the rounds stop shrinking: the guest dirties at least as fast as the stream sends. */
export function preCopyDurationS(load: MigrationLoad, rateMbps: number): number {
  const perS = mibPerSecond(rateMbps);
  if (perS <= 0) return Infinity;
  let elapsedS = MIGRATION_SETUP_S;
  let toSendMib = load.memoryMib;
  for (let round = 1; ; round++) {
    const roundS = toSendMib / perS;
    elapsedS += roundS;
    const dirtiedMib = Math.min(load.memoryMib, throttledDirtyMibPerS(load, round) * roundS);
    if (dirtiedMib / perS <= load.maxDowntimeMs / 1000 || dirtiedMib <= EPSILON_MIB) return elapsedS + dirtiedMib / perS;
    // Not shrinking and never throttled harder: it would go on for ever.
    if (dirtiedMib >= toSendMib && !load.autoConverge) return Infinity;
    toSendMib = dirtiedMib;
  }
}
