// How long one migration takes at a given stream rate, with the simulator's semantics: pre-copy
// sends all memory, then in each round what the guest dirtied during the previous one, and stops
// (VM paused) once the rest fits in the allowed downtime; post-copy sends memory once.
import type { MigrationMode } from './types.ts';

const BYTES_PER_MIB = 1024 * 1024;
/** Connection set-up and destination QEMU start before memory flows (as the simulator's). */
export const MIGRATION_SETUP_S = 0.5;
/** Pre-copy gives up converging and stops the VM after this many rounds. */
export const MAX_PRECOPY_ROUNDS = 30;
export const DEFAULT_MAX_DOWNTIME_MS = 300;

export function mibPerSecond(rateMbps: number): number {
  return (rateMbps * 1e6) / 8 / BYTES_PER_MIB;
}

export interface MigrationLoad {
  memoryMib: number;
  dirtyMibPerS: number;
  maxDowntimeMs: number;
}

export function migrationDurationS(mode: MigrationMode, load: MigrationLoad, rateMbps: number): number {
  return mode === 'pre-copy' ? preCopyDurationS(load, rateMbps) : postCopyDurationS(load, rateMbps);
}

export function postCopyDurationS(load: MigrationLoad, rateMbps: number): number {
  const perS = mibPerSecond(rateMbps);
  return perS > 0 ? MIGRATION_SETUP_S + load.memoryMib / perS : Infinity;
}

export function preCopyDurationS(load: MigrationLoad, rateMbps: number): number {
  const perS = mibPerSecond(rateMbps);
  if (perS <= 0) return Infinity;
  let elapsedS = MIGRATION_SETUP_S;
  let toSendMib = load.memoryMib;
  for (let round = 1; ; round++) {
    const roundS = toSendMib / perS;
    elapsedS += roundS;
    const dirtiedMib = Math.min(load.memoryMib, load.dirtyMibPerS * roundS);
    const fits = dirtiedMib / perS <= load.maxDowntimeMs / 1000;
    if (fits || dirtiedMib <= 0 || round >= MAX_PRECOPY_ROUNDS) return elapsedS + dirtiedMib / perS;
    toSendMib = dirtiedMib;
  }
}
