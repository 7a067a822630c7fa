// Per-host NIC charts: what the host's NIC carried while tsmig measured it, and the migration
// streams it sent and received during the run (from each migration's progress samples); the
// charts of one kind share their y scale across hosts.
import type { HostRate } from '../../measure/rates-from-readings.ts';
import { escapeHtml } from '../escape-html.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { migrationRateIntervals } from './migration-rate-intervals.ts';
import { bucketRates, type RateBucket, type RateInterval } from './rate-buckets.ts';
import { CHART_BUCKETS, peakMbps, renderStepChartSvg, type StepChart } from './step-chart-svg.ts';
import { formatDurationS } from './svg-axis.ts';

export function renderNicCharts(report: RunReport): string {
  const hosts = [...new Set([...report.measurements.hosts.map((h) => h.host), ...report.migrations.flatMap((m) => [m.from, m.to])])];
  const runEndS = Math.max(report.summary.run_time_s, ...report.migrations.map((m) => m.finished_s ?? 0), 1);
  // The migration charts start at the first migration: the measuring before it has its own chart.
  const started = report.migrations.map((m) => m.started_s).filter((s): s is number => s !== null);
  const fromS = started.length > 0 ? Math.min(...started) : 0;
  const charts = hosts.map((host) => {
    const measured = report.measurements.hosts.find((h) => h.host === host);
    return { host, measured, sampling: measured ? samplingChart(measured) : undefined, migration: migrationChart(report, host, fromS, runEndS) };
  });
  // One y scale per group of charts, so one host's peak reads against another's.
  const samplingMaxMbps = Math.max(0, ...charts.map((c) => (c.sampling ? peakMbps(c.sampling.lines) : 0)));
  const migrationMaxMbps = Math.max(0, ...charts.map((c) => peakMbps(c.migration.chart.lines)));
  return charts
    .map(
      (c) =>
        `<div class="host-charts" data-host="${escapeHtml(c.host)}"><h3>${escapeHtml(c.host)}</h3><div class="chart-pair">` +
        `<figure>${c.sampling ? renderStepChartSvg({ ...c.sampling, sharedMaxMbps: samplingMaxMbps }) : '<p class="muted">not measured</p>'}<figcaption>${c.measured ? escapeHtml(samplingCaption(c.measured)) : ''}</figcaption></figure>` +
        `<figure>${renderStepChartSvg({ ...c.migration.chart, sharedMaxMbps: migrationMaxMbps })}<figcaption>${escapeHtml(c.migration.caption)}</figcaption></figure>` +
        `</div></div>`,
    )
    .join('');
}

function samplingChart(h: HostRate): StepChart {
  const tx: RateInterval[] = [];
  const rx: RateInterval[] = [];
  let prevS = 0;
  for (const p of h.series) {
    tx.push({ startS: prevS, endS: p.atS, mbps: p.txMbps });
    rx.push({ startS: prevS, endS: p.atS, mbps: p.rxMbps });
    prevS = p.atS;
  }
  const endS = Math.max(h.windowS, prevS);
  const buckets = Math.min(CHART_BUCKETS, Math.max(1, h.series.length));
  return {
    title: 'NIC while measuring (Mbps)',
    fromS: 0,
    toS: endS,
    emptyText: 'no traffic measured',
    lines: [
      { label: 'TX', cssClass: 'line-tx', buckets: bucketRates(tx, 0, endS, buckets) },
      { label: 'RX', cssClass: 'line-rx', buckets: bucketRates(rx, 0, endS, buckets) },
    ],
  };
}

function samplingCaption(h: HostRate): string {
  const f = (x: number): string => x.toFixed(0);
  return (
    `${formatDurationS(h.windowS)} window, average TX ${f(h.nicTxMbps)} Mbps (VMs ${f(h.nicTxMbps - h.backgroundTxMbps)}, other ${f(h.backgroundTxMbps)}), ` +
    `RX ${f(h.nicRxMbps)} Mbps (VMs ${f(h.nicRxMbps - h.backgroundRxMbps)}, other ${f(h.backgroundRxMbps)})`
  );
}

function migrationChart(report: RunReport, host: string, fromS: number, runEndS: number): { chart: StepChart; caption: string } {
  const outgoing = report.migrations.filter((m) => m.from === host).flatMap(migrationRateIntervals);
  const incoming = report.migrations.filter((m) => m.to === host && m.from !== host).flatMap(migrationRateIntervals);
  const bucketCount = bucketsNoFinerThanSamples([...outgoing, ...incoming], runEndS - fromS);
  const out = bucketRates(outgoing, fromS, runEndS, bucketCount);
  const into = bucketRates(incoming, fromS, runEndS, bucketCount);
  const chart: StepChart = {
    title: 'Migration streams (Mbps)',
    fromS,
    toS: runEndS,
    emptyText: report.check ? 'check mode: nothing migrated' : 'no migration through this host',
    lines: [
      { label: 'out (TX)', cssClass: 'line-tx', buckets: out },
      { label: 'in (RX)', cssClass: 'line-rx', buckets: into },
    ],
  };
  const peak = (buckets: RateBucket[]): number => Math.max(0, ...buckets.map((b) => b.mbps));
  const caption = `peak out ${peak(out).toFixed(0)} Mbps, peak in ${peak(into).toFixed(0)} Mbps (averaged over ${formatDurationS((runEndS - fromS) / bucketCount)})`;
  return { chart, caption };
}

/**
 * A sample only says how many bytes moved over its interval, not when within it; buckets finer
 * than the samples would spread those bytes evenly and can show more than the NIC carries
 * where streams start and stop. So a bucket spans at least the typical (median) sample interval.
 */
function bucketsNoFinerThanSamples(intervals: RateInterval[], spanS: number): number {
  const lengths = intervals.map((iv) => iv.endS - iv.startS).sort((a, b) => a - b);
  const medianS = lengths[Math.floor(lengths.length / 2)] ?? 0;
  return medianS > 0 ? Math.max(1, Math.min(CHART_BUCKETS, Math.floor(spanS / medianS))) : CHART_BUCKETS;
}
