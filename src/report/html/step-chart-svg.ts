// A small line chart of bucketed rates (Mbps over seconds), drawn as steps because each
// bucket is an average over its span, not a point sample.
import { escapeHtml } from '../escape-html.ts';
import type { RateBucket } from './rate-buckets.ts';
import { formatClockS, formatMbps, px, timeTicks, valueTicks } from './svg-axis.ts';

export interface StepLine {
  label: string;
  /** CSS class that gives the line its colour and dash (defined in the page style). */
  cssClass: string;
  buckets: RateBucket[];
}

export interface StepChart {
  /** Says the unit: the y axis has no label of its own. */
  title: string;
  fromS: number;
  toS: number;
  lines: StepLine[];
  /** Shown in the plot area when no line carries traffic. */
  emptyText: string;
  /** The y axis's top for every chart of a group (e.g. all hosts), so heights compare; default: this chart's peak. */
  sharedMaxMbps?: number;
}

/** The highest bucket of some lines: what a group of charts passes as sharedMaxMbps. */
export function peakMbps(lines: readonly StepLine[]): number {
  return Math.max(0, ...lines.flatMap((l) => l.buckets.map((b) => b.mbps)));
}

export const CHART_WIDTH_PX = 470;
const CHART_HEIGHT_PX = 190;
const MARGIN = { left: 46, right: 10, top: 26, bottom: 24 };
/** One bucket per 3 px of plot: finer than the eye needs, coarse enough to keep the file small. */
export const CHART_BUCKETS = Math.floor((CHART_WIDTH_PX - MARGIN.left - MARGIN.right) / 3);

export function renderStepChartSvg(chart: StepChart): string {
  const plotW = CHART_WIDTH_PX - MARGIN.left - MARGIN.right;
  const plotH = CHART_HEIGHT_PX - MARGIN.top - MARGIN.bottom;
  const spanS = Math.max(chart.toS - chart.fromS, 1e-9);
  const maxMbps = peakMbps(chart.lines);
  // Headroom above the peak, so a line near the top is not drawn onto the frame.
  const yTicks = valueTicks(Math.max(maxMbps, chart.sharedMaxMbps ?? 0) * 1.04, 5);
  const yTop = yTicks.at(-1) ?? 1;
  const x = (s: number): number => MARGIN.left + ((s - chart.fromS) / spanS) * plotW;
  const y = (mbps: number): number => MARGIN.top + plotH - (mbps / yTop) * plotH;
  const parts: string[] = [`<text class="chart-title" x="${MARGIN.left}" y="14">${escapeHtml(chart.title)}</text>`];

  for (const v of yTicks) {
    parts.push(`<line class="grid" x1="${MARGIN.left}" y1="${px(y(v))}" x2="${MARGIN.left + plotW}" y2="${px(y(v))}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 4}" y="${px(y(v) + 4)}" text-anchor="end">${formatMbps(v)}</text>`);
  }
  for (const t of timeTicks(spanS, 6)) {
    if (t > spanS + 1e-9) continue;
    parts.push(`<text class="tick" x="${px(x(chart.fromS + t))}" y="${CHART_HEIGHT_PX - 6}" text-anchor="middle">${formatClockS(chart.fromS + t)}</text>`);
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" y1="${px(y(0))}" x2="${MARGIN.left + plotW}" y2="${px(y(0))}"/>`);

  if (maxMbps <= 0) {
    parts.push(`<text class="empty" x="${px(MARGIN.left + plotW / 2)}" y="${px(MARGIN.top + plotH / 2)}" text-anchor="middle">${escapeHtml(chart.emptyText)}</text>`);
  }
  let legendX = CHART_WIDTH_PX - MARGIN.right;
  for (const line of [...chart.lines].reverse()) {
    // Legend right-aligned in the title row, last line rightmost.
    const labelW = line.label.length * 6.5 + 34;
    legendX -= labelW;
    parts.push(`<line class="${line.cssClass}" x1="${px(legendX)}" y1="10" x2="${px(legendX + 16)}" y2="10"/>`);
    parts.push(`<text class="legend" x="${px(legendX + 19)}" y="14">${escapeHtml(line.label)}</text>`);
  }
  for (const line of chart.lines) {
    if (line.buckets.length === 0 || maxMbps <= 0) continue;
    parts.push(`<path class="${line.cssClass}" d="${stepPath(line.buckets, x, y)}"/>`);
  }
  return `<svg class="chart" viewBox="0 0 ${CHART_WIDTH_PX} ${CHART_HEIGHT_PX}" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function stepPath(buckets: RateBucket[], x: (s: number) => number, y: (mbps: number) => number): string {
  const first = buckets[0]!;
  const d = [`M${px(x(first.startS))} ${px(y(first.mbps))}`];
  let lastY = px(y(first.mbps));
  for (const b of buckets) {
    const yb = px(y(b.mbps));
    if (yb !== lastY) d.push(`V${yb}`);
    d.push(`H${px(x(b.endS))}`);
    lastY = yb;
  }
  // Merge consecutive H commands: flat stretches are most of a migration.
  return d.join('').replace(/(H[\d.-]+)+(?=H)/g, '');
}
