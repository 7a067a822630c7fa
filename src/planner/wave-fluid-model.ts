// One wave, step by step, with the simulator's physics: every migration starts with a set-up,
// then its stream shares the source's TX and the destination's RX max-min fairly with the
// application flows there; rates are recomputed whenever a stream starts, ends or a VM changes
// host (a post-copy switch, the end of a stop-and-copy), so a stream speeds up as others finish.
import { migrationRatesMbps, type LinkFlows, type StreamLinks } from './max-min-share.ts';
import { DEFAULT_MAX_DOWNTIME_MS, EPSILON_MIB, MIGRATION_SETUP_S, mibPerSecond, mbpsFromMibPerSecond, throttledDirtyMibPerS, type MigrationLoad } from './time-model.ts';
import type { MigrationMode, PlanInput } from './types.ts';

export interface TimedMigration {
  vm: string;
  from: string;
  to: string;
  mode: MigrationMode;
  wave: number;
}

export interface StreamEstimate {
  /** From the start of the wave to the VM running on its destination; Infinity = never converges. */
  durationS: number;
  /** Mean rate of its stream while memory flowed. */
  meanRateMbps: number;
  /** Pre-copy rounds (0 for an immediate post-copy). */
  rounds: number;
}

type Phase = 'setup' | 'pre-copy' | 'stop-and-copy' | 'post-copy' | 'done';

interface Stream {
  load: MigrationLoad;
  mode: MigrationMode;
  phase: Phase;
  remainingMib: number;
  /** What the current step started with (a round's size). */
  stepMib: number;
  dirtiedMib: number;
  round: number;
  sentMib: number;
  sendingS: number;
  finishedS: number;
  /** The guest dirties at least as fast as the stream sends and nothing will throttle it. */
  stuck: boolean;
}

/** Events per stream before the model gives up on a wave (a safety net: stuck streams end it sooner). */
const MAX_EVENTS_PER_STREAM = 2_000;
const HORIZON_S = 7 * 24 * 3600;

/** Estimates of the migrations `inWave` (indices into `migrations`) of wave `wave`, same order. */
export function simulateWave(input: PlanInput, migrations: readonly TimedMigration[], wave: number, inWave: readonly number[]): StreamEstimate[] {
  const hostIndex = new Map(input.hosts.map((h, i) => [h.host, i]));
  const inWaveVm = new Set(inWave.map((i) => migrations[i]!.vm));
  // Where every VM not in this wave runs meanwhile: moved in an earlier wave, or still at home.
  const movedEarlier = new Map<string, string>();
  for (const m of migrations) if (m.wave < wave) movedEarlier.set(m.vm, m.to);
  const baseDemandsMbps: number[][] = input.hosts.flatMap((h) => [[h.backgroundTxMbps], [h.backgroundRxMbps]]);
  const vmByName = new Map(input.vms.map((v) => [v.vm, v]));
  for (const v of input.vms) {
    if (inWaveVm.has(v.vm)) continue;
    const h = hostIndex.get(movedEarlier.get(v.vm) ?? v.host);
    if (h === undefined) continue;
    baseDemandsMbps[2 * h]!.push(v.txDemandMbps ?? v.txMbps);
    baseDemandsMbps[2 * h + 1]!.push(v.rxDemandMbps ?? v.rxMbps);
  }
  const autoConverge = new Set(input.moves.filter((m) => m.autoConverge).map((m) => m.vm));
  const maxDowntimeMs = input.maxDowntimeMs ?? DEFAULT_MAX_DOWNTIME_MS;
  const afterFirstPass = input.postcopySwitch === 'after-first-pass';
  const capMbps = input.migrationBandwidthMbps && input.migrationBandwidthMbps > 0 ? input.migrationBandwidthMbps : Infinity;

  const moving = inWave.map((i) => migrations[i]!);
  const streams: Stream[] = moving.map((m) => {
    const vm = vmByName.get(m.vm);
    return {
      load: { memoryMib: vm?.memoryMib ?? 0, dirtyMibPerS: vm?.dirtyMibPerS ?? 0, maxDowntimeMs, autoConverge: input.autoConverge === true || autoConverge.has(m.vm) },
      mode: m.mode,
      phase: 'setup',
      remainingMib: 0,
      stepMib: 0,
      dirtiedMib: 0,
      round: 0,
      sentMib: 0,
      sendingS: 0,
      finishedS: Infinity,
      stuck: false,
    };
  });
  /** Host each moving VM runs on now; undefined while paused for its stop-and-copy. */
  const vmHost: Array<string | undefined> = moving.map((m) => m.from);
  const streamLinks: StreamLinks[] = moving.map((m) => ({ sourceLink: 2 * hostIndex.get(m.from)!, destinationLink: 2 * hostIndex.get(m.to)! + 1 }));

  const sending = (s: Stream): boolean => s.phase === 'pre-copy' || s.phase === 'stop-and-copy' || s.phase === 'post-copy';
  const ratesMbps = (): Float64Array => {
    const active = streams.flatMap((s, k) => (sending(s) ? [k] : []));
    const rates = new Float64Array(streams.length);
    if (active.length === 0) return rates;
    // Only the links the active streams cross matter; renumber them densely.
    const linkOf = new Map<number, number>();
    const links: LinkFlows[] = [];
    const use = (link: number): number => {
      let l = linkOf.get(link);
      if (l === undefined) {
        linkOf.set(link, (l = links.length));
        links.push({ capacityMbps: input.hosts[link >> 1]!.nicMbps, applicationDemandsMbps: [...baseDemandsMbps[link]!] });
      }
      return l;
    };
    const local = active.map((k) => ({ sourceLink: use(streamLinks[k]!.sourceLink), destinationLink: use(streamLinks[k]!.destinationLink) }));
    moving.forEach((m, k) => {
      const host = vmHost[k];
      if (host === undefined) return;
      const h = hostIndex.get(host)!;
      const vm = vmByName.get(m.vm);
      const tx = linkOf.get(2 * h);
      const rx = linkOf.get(2 * h + 1);
      if (tx !== undefined && vm) links[tx]!.applicationDemandsMbps.push(vm.txDemandMbps ?? vm.txMbps);
      if (rx !== undefined && vm) links[rx]!.applicationDemandsMbps.push(vm.rxDemandMbps ?? vm.rxMbps);
    });
    const shared = migrationRatesMbps(links, local, capMbps);
    active.forEach((k, j) => (rates[k] = shared[j]!));
    return rates;
  };

  /** Rates change only when a stream starts or ends or a VM changes host, not with each round. */
  let rates: Float64Array = new Float64Array(streams.length);
  let ratesStale = true;
  const enter = (s: Stream, phase: Phase, mib: number): void => {
    if (phase !== 'pre-copy' || s.phase !== 'pre-copy') ratesStale = true;
    s.phase = phase;
    s.remainingMib = mib;
    s.stepMib = mib;
  };
  const finish = (s: Stream, k: number, nowS: number): void => {
    s.phase = 'done';
    ratesStale = true;
    s.finishedS = nowS;
    vmHost[k] = moving[k]!.to;
  };
  const switchToDestination = (s: Stream, k: number, mib: number): void => {
    vmHost[k] = moving[k]!.to;
    enter(s, 'post-copy', mib);
  };
  /** A step ended at `nowS` for stream k at `rateMbps`: move it to its next step. */
  const milestone = (s: Stream, k: number, nowS: number, rateMbps: number): void => {
    if (s.phase === 'setup') {
      if (s.mode === 'post-copy' && !afterFirstPass) switchToDestination(s, k, s.load.memoryMib);
      else {
        enter(s, 'pre-copy', s.load.memoryMib);
        s.round = 1;
      }
    } else if (s.phase === 'pre-copy') {
      const dirtied = s.dirtiedMib;
      s.dirtiedMib = 0;
      if (s.mode === 'post-copy') return switchToDestination(s, k, dirtied);
      const perS = mibPerSecond(rateMbps);
      if ((perS > 0 && dirtied / perS <= s.load.maxDowntimeMs / 1000) || dirtied <= EPSILON_MIB) {
        vmHost[k] = undefined;
        enter(s, 'stop-and-copy', dirtied);
      } else {
        enter(s, 'pre-copy', dirtied);
        s.round += 1;
        // At this rate the rounds never shrink; only another stream's change of phase could help.
        s.stuck = !s.load.autoConverge && throttledDirtyMibPerS(s.load, s.round) >= perS;
      }
    } else finish(s, k, nowS);
  };

  let nowS = 0;
  const maxEvents = MAX_EVENTS_PER_STREAM * Math.max(1, streams.length);
  for (let events = 0; events < maxEvents && nowS < HORIZON_S; events++) {
    const open = streams.filter((s) => s.phase !== 'done');
    if (open.length === 0) break;
    if (open.every((s) => s.stuck)) break;
    if (ratesStale) {
      rates = ratesMbps();
      ratesStale = false;
    }
    let dtS = Infinity;
    streams.forEach((s, k) => {
      if (s.phase === 'setup') dtS = Math.min(dtS, Math.max(0, MIGRATION_SETUP_S - nowS));
      else if (sending(s) && rates[k]! > 0) dtS = Math.min(dtS, s.remainingMib / mibPerSecond(rates[k]!));
    });
    if (!Number.isFinite(dtS)) break;
    const ending: number[] = [];
    streams.forEach((s, k) => {
      if (s.phase === 'setup') {
        if (MIGRATION_SETUP_S - nowS <= dtS * (1 + 1e-12) + 1e-12) ending.push(k);
        return;
      }
      if (!sending(s)) return;
      const perS = mibPerSecond(rates[k]!);
      const finishesS = perS > 0 ? s.remainingMib / perS : Infinity;
      const sentMib = finishesS <= dtS * (1 + 1e-12) ? s.remainingMib : perS * dtS;
      if (sentMib === s.remainingMib) ending.push(k);
      s.remainingMib -= sentMib;
      s.sentMib += sentMib;
      if (perS > 0) s.sendingS += dtS;
      if (s.phase === 'pre-copy') s.dirtiedMib = Math.min(s.load.memoryMib, s.dirtiedMib + throttledDirtyMibPerS(s.load, s.round) * dtS);
    });
    nowS += dtS;
    for (const k of ending) milestone(streams[k]!, k, nowS, rates[k]!);
  }
  return streams.map((s) => ({
    durationS: s.finishedS,
    meanRateMbps: s.sendingS > 0 ? mbpsFromMibPerSecond(s.sentMib / s.sendingS) : 0,
    rounds: s.round,
  }));
}
