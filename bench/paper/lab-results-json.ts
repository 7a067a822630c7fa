// docs/results/paper-DATE.json's lab part: per strategy one entry per run (TMT, stream kept,
// guests lost), what the lab ran on, and each run's link use per direction (the NIC charts as
// numbers) so a reader can check the Markdown's explanation.
import type { Strategy } from '../../src/planner/types.ts';
import type { LabOptions, LabRun } from './lab-experiment.ts';
import type { LabStack } from './lab-stack.ts';
import { LAB_SHAPING } from './lab-experiment.ts';
import { STRATEGIES } from './seed-figures.ts';

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const rates = (r: { txBytesPerS: number; rxBytesPerS: number } | undefined) => (r ? { tx_bytes_per_s: Math.round(r.txBytesPerS), rx_bytes_per_s: Math.round(r.rxBytesPerS) } : null);

export function labResultsJson(runs: readonly LabRun[], stack: LabStack | undefined, options: Omit<LabOptions, 'log'>) {
  const strategy = (st: Strategy) => {
    const of = runs.filter((r) => r.strategy === st);
    return {
      tmt_s: of.map((r) => round(r.totalMigrationTimeS, 1)),
      stream_kept: of.map((r) => round(r.streamKept, 3)),
      guests_lost: of.reduce((n, r) => n + r.guestsLost.length, 0),
      runs: of.map((r) => ({
        repetition: r.repetition,
        exit_code: r.exitCode,
        tmt_s: round(r.totalMigrationTimeS, 1),
        data_transferred_bytes: r.dataTransferredBytes,
        modes: r.modes,
        guests_lost: r.guestsLost,
        failures: r.failures,
        stream_kept: round(r.streamKept, 3),
        gsend_tx_bytes_per_s: { before: Math.round(r.baselineGsendTxBytesPerS), during: Math.round(r.gsendTxBytesPerS) },
        grecv_rx_bytes_per_s: { before: Math.round(r.baselineGrecvRxBytesPerS), during: Math.round(r.grecvRxBytesPerS) },
        link_during: Object.fromEntries(Object.entries(r.linkDuring).map(([h, v]) => [h, rates(v)])),
        link_series_5s: Object.fromEntries(Object.entries(r.linkSeries).map(([h, s]) => [h, s.map((b) => ({ at_s: b.atS, ...rates(b) }))])),
        load1: { start: round(r.load1.start, 2), end: round(r.load1.end, 2) },
        predicted_tmt_s: r.predictedTmtS === undefined ? null : round(r.predictedTmtS, 1),
        migrations: Object.fromEntries(
          Object.entries(r.durations).map(([vm, d]) => [vm, { mode: d.mode, predicted_s: d.predictedS === undefined ? null : round(d.predictedS, 1), measured_s: d.measuredS }]),
        ),
      })),
    };
  };
  return {
    stack: stack ?? null,
    link_rate: options.linkRate,
    link_shaped: `each host link, both directions (${LAB_SHAPING})`,
    traffic: options.traffic,
    grecv_dirty_mib: options.grecvDirtyMib,
    repetitions: options.repetitions,
    strategies: Object.fromEntries(STRATEGIES.map((st) => [st, strategy(st)])),
  };
}
