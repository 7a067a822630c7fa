// Estimated durations per migration and per wave: each wave run by the fluid model
// (wave-fluid-model.ts), waves one after another as the executor runs them.
import { simulateWave, type StreamEstimate, type TimedMigration } from './wave-fluid-model.ts';
import type { PlanInput } from './types.ts';

export type { TimedMigration } from './wave-fluid-model.ts';

export interface WaveTimes {
  /** Per migration, same order as given; Infinity = predicted never to finish. */
  durationS: Float64Array;
  /** Per migration: the mean rate its stream is predicted to get. */
  streamMbps: Float64Array;
  /** Per migration: predicted pre-copy rounds. */
  rounds: Int32Array;
  /** Per wave: its longest migration. */
  waveDurationS: Float64Array;
  totalS: number;
}

export function estimateWaveTimes(input: PlanInput, migrations: readonly TimedMigration[], waves: number): WaveTimes {
  const durationS = new Float64Array(migrations.length);
  const streamMbps = new Float64Array(migrations.length);
  const rounds = new Int32Array(migrations.length);
  const waveDurationS = new Float64Array(waves);
  const byWave: number[][] = Array.from({ length: waves }, () => []);
  migrations.forEach((m, i) => byWave[m.wave]!.push(i));
  for (let w = 0; w < waves; w++) {
    const estimates = simulateWave(input, migrations, w, byWave[w]!);
    byWave[w]!.forEach((i, k) => {
      const e = estimates[k]!;
      durationS[i] = e.durationS;
      streamMbps[i] = e.meanRateMbps;
      rounds[i] = e.rounds;
      waveDurationS[w] = Math.max(waveDurationS[w]!, e.durationS);
    });
  }
  return { durationS, streamMbps, rounds, waveDurationS, totalS: waveDurationS.reduce((s, x) => s + x, 0) };
}

/** Durations of the migrations `inWave` (indices into `migrations`) of wave `wave`. */
export function waveMigrationTimesS(input: PlanInput, migrations: readonly TimedMigration[], wave: number, inWave: readonly number[]): number[] {
  return simulateWave(input, migrations, wave, inWave).map((e: StreamEstimate) => e.durationS);
}
