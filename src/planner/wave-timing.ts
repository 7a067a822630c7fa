// Estimated durations per migration and per wave. Within a wave all its migrations run together
// at the max-min fair rates of the wave's start (rates are not raised as others finish, so the
// estimate errs long); waves run one after another.
import { migrationRatesMbps, type LinkFlows, type StreamLinks } from './max-min-share.ts';
import { DEFAULT_MAX_DOWNTIME_MS, migrationDurationS } from './time-model.ts';
import type { MigrationMode, PlanInput } from './types.ts';

export interface TimedMigration {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
  wave: number;
}

export interface WaveTimes {
  /** Per migration, same order as given. */
  durationS: Float64Array;
  /** Per wave: its longest migration. */
  waveDurationS: Float64Array;
  totalS: number;
}

export function estimateWaveTimes(input: PlanInput, migrations: readonly TimedMigration[], waves: number): WaveTimes {
  const durationS = new Float64Array(migrations.length);
  const waveDurationS = new Float64Array(waves);
  const byWave: number[][] = Array.from({ length: waves }, () => []);
  migrations.forEach((m, i) => byWave[m.wave]!.push(i));
  for (let w = 0; w < waves; w++) {
    const times = waveMigrationTimesS(input, migrations, w, byWave[w]!);
    byWave[w]!.forEach((i, k) => {
      durationS[i] = times[k]!;
      waveDurationS[w] = Math.max(waveDurationS[w]!, times[k]!);
    });
  }
  return { durationS, waveDurationS, totalS: waveDurationS.reduce((s, x) => s + x, 0) };
}

/** Durations of the migrations `inWave` (indices into `migrations`) of wave `wave`. */
export function waveMigrationTimesS(input: PlanInput, migrations: readonly TimedMigration[], wave: number, inWave: readonly number[]): number[] {
  const hostIndex = new Map(input.hosts.map((h, i) => [h.host, i]));
  const links: LinkFlows[] = input.hosts.flatMap((h) => [
    { capacityMbps: h.nicMbps, applicationDemandsMbps: [h.backgroundTxMbps] },
    { capacityMbps: h.nicMbps, applicationDemandsMbps: [h.backgroundRxMbps] },
  ]);
  // Where each VM runs during this wave: moved already, or in flight by post-copy → destination.
  const runsOn = new Map<string, string>();
  for (const m of migrations) if (m.wave < wave || (m.wave === wave && m.mode === 'post-copy')) runsOn.set(m.vm, m.to);
  for (const v of input.vms) {
    const h = hostIndex.get(runsOn.get(v.vm) ?? v.host)!;
    links[2 * h]!.applicationDemandsMbps.push(v.txMbps);
    links[2 * h + 1]!.applicationDemandsMbps.push(v.rxMbps);
  }
  const streams: StreamLinks[] = inWave.map((i) => ({ sourceLink: 2 * hostIndex.get(migrations[i]!.from)!, destinationLink: 2 * hostIndex.get(migrations[i]!.to)! + 1 }));
  const cap = input.migrationBandwidthMbps && input.migrationBandwidthMbps > 0 ? input.migrationBandwidthMbps : Infinity;
  const rates = migrationRatesMbps(links, streams, cap);
  const vmByName = new Map(input.vms.map((v) => [v.vm, v]));
  return inWave.map((i, k) => {
    const m = migrations[i]!;
    const vm = vmByName.get(m.vm)!;
    return migrationDurationS(m.mode, { memoryMib: vm.memoryMib, dirtyMibPerS: vm.dirtyMibPerS ?? 0, maxDowntimeMs: input.maxDowntimeMs ?? DEFAULT_MAX_DOWNTIME_MS }, rates[k]!);
  });
}
