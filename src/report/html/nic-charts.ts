// Per-host NIC charts: what the host's NIC carried while tsmig measured it, and the migration
// streams it sent and received during the run (from each migration's progress samples).
import type { HostRate } from '../../measure/rates-from-readings.ts';
import { escapeHtml } from '../escape-html.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { migrationRateIntervals } from './migration-rate-intervals.ts';
import { bucketRates, type RateInterval } from './rate-buckets.ts';
import { CHART_BUCKETS, renderStepChartSvg } from './step-chart-svg.ts';
import { formatDurationS } from './svg-axis.ts';

export function renderNicCharts(report: RunReport): string {
  const hosts = [...new Set([...report.measurements.hosts.map((h) => h.host), ...report.migrations.flatMap((m) => [m.from, m.to])])];
  const runEndS = Math.max(report.summary.run_time_s, ...report.migrations.map((m) => m.finished_s ?? 0), 1);
  return hosts
    .map((host) => {
      const measured = report.measurements.hosts.find((h) => h.host === host);
      return (
        `<div class="host-charts" data-host="${escapeHtml(host)}"><h3>${escapeHtml(host)}</h3><div class="chart-pair">` +
        `<figure>${measured ? samplingChart(measured) : '<p class="muted">not measured</p>'}<figcaption>${measured ? samplingCaption(measured) : ''}</figcaption></figure>` +
        `<figure>${migrationChart(report, host, runEndS)}</figure>` +
        `</div></div>`
      );
    })
    .join('');
}

function samplingChart(h: HostRate): string {
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
  return renderStepChartSvg({
    title: 'NIC while measuring (Mbps)',
    fromS: 0,
    toS: endS,
    emptyText: 'no traffic measured',
    lines: [
      { label: 'TX', cssClass: 'line-tx', buckets: bucketRates(tx, 0, endS, buckets) },
      { label: 'RX', cssClass: 'line-rx', buckets: bucketRates(rx, 0, endS, buckets) },
    ],
  });
}

function samplingCaption(h: HostRate): string {
  const f = (x: number): string => x.toFixed(0);
  return (
    `${formatDurationS(h.windowS)} window, average TX ${f(h.nicTxMbps)} Mbps (VMs ${f(h.nicTxMbps - h.backgroundTxMbps)}, other ${f(h.backgroundTxMbps)}), ` +
    `RX ${f(h.nicRxMbps)} Mbps (VMs ${f(h.nicRxMbps - h.backgroundRxMbps)}, other ${f(h.backgroundRxMbps)})`
  );
}

function migrationChart(report: RunReport, host: string, runEndS: number): string {
  const outgoing = report.migrations.filter((m) => m.from === host).flatMap(migrationRateIntervals);
  const incoming = report.migrations.filter((m) => m.to === host && m.from !== host).flatMap(migrationRateIntervals);
  const bucketCount = bucketsNoFinerThanSamples([...outgoing, ...incoming], runEndS);
  const svg = renderStepChartSvg({
    title: 'Migration streams (Mbps)',
    fromS: 0,
    toS: runEndS,
    emptyText: report.check ? 'check mode: nothing migrated' : 'no migration through this host',
    lines: [
      { label: 'out (TX)', cssClass: 'line-tx', buckets: bucketRates(outgoing, 0, runEndS, bucketCount) },
      { label: 'in (RX)', cssClass: 'line-rx', buckets: bucketRates(incoming, 0, runEndS, bucketCount) },
    ],
  });
  const peak = (ivs: RateInterval[]): number => Math.max(0, ...bucketRates(ivs, 0, runEndS, bucketCount).map((b) => b.mbps));
  const caption = `peak out ${peak(outgoing).toFixed(0)} Mbps, peak in ${peak(incoming).toFixed(0)} Mbps (averaged over ${formatDurationS(runEndS / bucketCount)})`;
  return `${svg}<figcaption>${escapeHtml(caption)}</figcaption>`;
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
