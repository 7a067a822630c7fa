// The Gantt chart: one row per migration, grouped by source host, on the run's clock.
// The measuring before the first migration is folded into a narrow band; dashed lines mark where
// each wave starts; each bar's row names its destination (→ host) beside its mode and duration.
// Each migration is one `.bar` group (data-vm) holding a rect per attempt, so retries show as
// separate segments and failed attempts as hatched ones; colours come from the page's CSS.
import type { AttemptRecord, MigrationRecord } from '../../executor/migration-record.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { escapeHtml } from '../escape-html.ts';
import { formatClockS, formatDurationS, px, timeTicks } from './svg-axis.ts';
import { formatBytes } from '../progress-format.ts';
import { formatDurationMs } from '../../util/duration.ts';
import { plural } from '../../util/plural.ts';
import { modeClass, statusClass } from './css-class.ts';

const WIDTH_PX = 960;
const LABEL_WIDTH_PX = 130;
const STATUS_WIDTH_PX = 210;
const AXIS_HEIGHT_PX = 26;
const GROUP_HEADER_PX = 22;
const ROW_HEIGHT_PX = 22;
const BAR_HEIGHT_PX = 14;
const MIN_BAR_WIDTH_PX = 2;
const LABEL_MAX_CHARS = 18;

/** The measuring and planning before the first migration, folded to this width (it has its own chart). */
const FOLD_WIDTH_PX = 44;
/** A tick label's half width and some air: closer to the fold's label, they overprint. */
const MIN_TICK_GAP_PX = 24;
const WAVE_ROW_PX = 14;

/** Run seconds → x: the prelude folded into FOLD_WIDTH_PX, the migrations linear over the rest. */
export function foldedTimeScale(firstStartS: number, endS: number, plotLeft: number, plotWidth: number): (s: number) => number {
  const fold = firstStartS > 0 ? FOLD_WIDTH_PX : 0;
  const spanS = Math.max(endS - firstStartS, 1e-9);
  return (s) => {
    if (s <= firstStartS) return plotLeft + (firstStartS > 0 ? (Math.max(0, s) / firstStartS) * fold : 0);
    return plotLeft + fold + ((s - firstStartS) / spanS) * (plotWidth - fold);
  };
}

/** Each wave's start (its first migration's start), in wave order. */
export function waveStarts(report: RunReport): Array<{ wave: number; startS: number }> {
  const starts = new Map<number, number>();
  for (const m of report.migrations) {
    if (m.started_s === null) continue;
    starts.set(m.wave, Math.min(starts.get(m.wave) ?? Infinity, m.started_s));
  }
  return [...starts].map(([wave, startS]) => ({ wave, startS })).sort((a, b) => a.wave - b.wave);
}

export function renderTimelineSvg(report: RunReport): string {
  const groups = groupBySource(report);
  const endS = Math.max(report.summary.run_time_s, ...report.migrations.map((m) => Math.max(m.finished_s ?? 0, predictedEndS(m) ?? 0)), 1);
  const plotLeft = LABEL_WIDTH_PX;
  const plotWidth = WIDTH_PX - LABEL_WIDTH_PX - STATUS_WIDTH_PX;
  const started = report.migrations.map((m) => m.started_s).filter((s): s is number => s !== null);
  const firstStartS = started.length > 0 ? Math.min(...started) : 0;
  const x = foldedTimeScale(firstStartS, endS, plotLeft, plotWidth);
  const rows = groups.reduce((n, g) => n + g.records.length, 0);
  const axisTop = WAVE_ROW_PX;
  const plotTop = axisTop + AXIS_HEIGHT_PX;
  const heightPx = plotTop + groups.length * GROUP_HEADER_PX + rows * ROW_HEIGHT_PX + 6;
  const parts: string[] = [];

  if (firstStartS > 0) {
    // Measuring and planning, folded: a narrow band that says how long it took.
    parts.push(
      `<g class="fold"><title>${escapeHtml(`measuring traffic and planning: ${formatDurationS(firstStartS)} (folded; see each host's NIC chart)`)}</title>` +
        `<rect class="prelude" x="${px(plotLeft)}" y="${axisTop}" width="${px(x(firstStartS) - plotLeft)}" height="${px(heightPx - axisTop)}"/>` +
        `<text class="tick fold-label" x="${px(plotLeft + 2)}" y="${px(plotTop - 8)}">${escapeHtml(formatDurationS(firstStartS))}</text></g>`,
    );
  }
  for (const t of foldedTicks(firstStartS, endS)) {
    // The fold's own label says when the migrations began: a tick beside it would overprint it.
    if (firstStartS > 0 && x(t) < x(firstStartS) + MIN_TICK_GAP_PX) continue;
    parts.push(`<line class="grid" x1="${px(x(t))}" y1="${plotTop - 4}" x2="${px(x(t))}" y2="${heightPx}"/>`);
    parts.push(`<text class="tick" x="${px(x(t))}" y="${plotTop - 8}" text-anchor="middle">${formatClockS(t)}</text>`);
  }
  const waves = waveStarts(report);
  if (waves.length > 1) {
    waves.forEach((w, i) => {
      const wx = x(w.startS);
      const nextX = i + 1 < waves.length ? x(waves[i + 1]!.startS) : WIDTH_PX - STATUS_WIDTH_PX;
      // "wave 3" where there is room, "3" where waves start close together.
      const label = nextX - wx >= 46 ? `wave ${w.wave + 1}` : nextX - wx >= 12 ? String(w.wave + 1) : '';
      parts.push(
        `<g class="wave-mark" data-wave="${w.wave + 1}"><title>${escapeHtml(`wave ${w.wave + 1} starts at ${formatClockS(w.startS)}`)}</title>` +
          `<line class="wave-line" x1="${px(wx)}" y1="${axisTop - 12}" x2="${px(wx)}" y2="${heightPx}"/>` +
          (label ? `<text class="wave-label" x="${px(wx + 3)}" y="${axisTop - 3}">${escapeHtml(label)}</text>` : '') +
          `</g>`,
      );
    });
  }

  let y = plotTop;
  for (const g of groups) {
    parts.push(`<text class="group" x="4" y="${px(y + 15)}">from ${escapeHtml(g.host)} (${g.records.length})</text>`);
    parts.push(`<line class="group-rule" x1="0" y1="${px(y + GROUP_HEADER_PX - 2)}" x2="${WIDTH_PX}" y2="${px(y + GROUP_HEADER_PX - 2)}"/>`);
    y += GROUP_HEADER_PX;
    for (const m of g.records) {
      parts.push(renderRow(m, y, x));
      y += ROW_HEIGHT_PX;
    }
  }
  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH_PX} ${px(heightPx)}" role="img" aria-label="Timeline of the migrations" xmlns="http://www.w3.org/2000/svg">` +
    `<defs><pattern id="hatch-failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="hatch" width="2.5" height="6"/></pattern></defs>` +
    parts.join('') +
    `</svg>`
  );
}

/** Round run-clock ticks over the migrations only (the folded prelude gets no ticks of its own). */
function foldedTicks(firstStartS: number, endS: number): number[] {
  const spanS = Math.max(endS - firstStartS, 1e-9);
  const ticks = timeTicks(spanS);
  const stepS = ticks.length > 1 ? ticks[1]! - ticks[0]! : spanS;
  const out: number[] = [];
  for (let t = Math.ceil(firstStartS / stepS) * stepS; t <= endS + 1e-9; t += stepS) out.push(t);
  return out;
}

function renderRow(m: MigrationRecord, rowTopPx: number, x: (s: number) => number): string {
  const barTop = rowTopPx + (ROW_HEIGHT_PX - BAR_HEIGHT_PX) / 2;
  const label = m.vm.length > LABEL_MAX_CHARS ? `${m.vm.slice(0, LABEL_MAX_CHARS - 1)}…` : m.vm;
  const out = [`<text class="vm-label" x="${LABEL_WIDTH_PX - 8}" y="${px(barTop + 11)}" text-anchor="end">${escapeHtml(label)}<title>${escapeHtml(m.vm)}</title></text>`];
  // Past the ✕ that may follow a bar ending at the plot's right edge.
  const statusX = WIDTH_PX - STATUS_WIDTH_PX + 20;
  const statusText = `<text class="status ${statusClass('status', m.status)}" x="${statusX}" y="${px(barTop + 11)}">${escapeHtml(statusLine(m))}</text>`;
  const attempts: AttemptRecord[] =
    m.attempts.length > 0 ? m.attempts : m.started_s !== null && m.finished_s !== null ? [{ attempt: 1, started_s: m.started_s, finished_s: m.finished_s }] : [];
  if (attempts.length === 0) return out.concat(statusText).join('');

  const segs: string[] = [`<title>${escapeHtml(barTitle(m))}</title>`];
  const ghostEndS = predictedEndS(m);
  if (ghostEndS !== undefined) {
    // The plan's estimate as an outline behind the bar: where it should have ended.
    const left = x(attempts.at(-1)!.started_s);
    segs.push(`<rect class="estimate" x="${px(left)}" y="${px(barTop - 2)}" width="${px(Math.max(MIN_BAR_WIDTH_PX, x(ghostEndS) - left))}" height="${BAR_HEIGHT_PX + 4}" rx="2"/>`);
  }
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i]!;
    const left = x(a.started_s);
    const width = Math.max(MIN_BAR_WIDTH_PX, x(a.finished_s) - left);
    if (a.error !== undefined) {
      segs.push(`<rect class="attempt failed" x="${px(left)}" y="${px(barTop)}" width="${px(width)}" height="${BAR_HEIGHT_PX}" rx="2"/>`);
      segs.push(`<rect class="attempt-hatch" x="${px(left)}" y="${px(barTop)}" width="${px(width)}" height="${BAR_HEIGHT_PX}" rx="2"/>`);
    } else {
      segs.push(`<rect class="attempt done" x="${px(left)}" y="${px(barTop)}" width="${px(width)}" height="${BAR_HEIGHT_PX}" rx="2"/>`);
    }
    const next = attempts[i + 1];
    if (next) {
      // The retry delay: a thin line from this attempt's end to the next one's start.
      segs.push(`<line class="retry-wait" x1="${px(left + width)}" y1="${px(barTop + BAR_HEIGHT_PX / 2)}" x2="${px(x(next.started_s))}" y2="${px(barTop + BAR_HEIGHT_PX / 2)}"/>`);
    }
  }
  const last = attempts.at(-1)!;
  if (m.status === 'failed') {
    segs.push(`<text class="fail-mark" x="${px(Math.max(x(last.finished_s), x(last.started_s) + MIN_BAR_WIDTH_PX) + 3)}" y="${px(barTop + 11)}">✕</text>`);
  }
  const cls = `bar ${modeClass(m.mode)} ${statusClass('status', m.status)}${attempts.length > 1 ? ' retried' : ''}`;
  out.push(`<g class="${cls}" data-vm="${escapeHtml(m.vm)}" data-attempts="${attempts.length}">${segs.join('')}</g>`, statusText);
  return out.join('');
}

/** Where the estimate ends: from the start of the last attempt (the one the estimate is compared with). */
function predictedEndS(m: MigrationRecord): number | undefined {
  const startS = m.attempts.at(-1)?.started_s ?? m.started_s;
  return m.predicted_duration_s === undefined || startS === null ? undefined : startS + m.predicted_duration_s;
}

function statusLine(m: MigrationRecord): string {
  const to = `→ ${truncate(m.to, 14)}`;
  const tries = m.attempts.length > 1 ? `, ${m.attempts.length} attempts` : '';
  if (m.status === 'failed') return `${to} FAILED after ${plural(m.attempts.length, 'attempt')}`;
  if (m.status === 'skipped') return `${to} skipped: not started`;
  if (m.status === 'ok') return `already on ${truncate(m.to, 14)}`;
  return `${to} ${m.mode} ${formatDurationS(m.duration_s ?? 0)}${tries}`;
}

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, Math.max(1, maxChars - 1))}…` : text;
}

function barTitle(m: MigrationRecord): string {
  const lines = [`${m.vm}: ${m.from} → ${m.to}, ${m.mode}, wave ${m.wave + 1}, ${m.status}`];
  if (m.duration_s !== null) lines.push(`${formatDurationS(m.duration_s)}, ${formatBytes(m.bytes)}${m.downtime_ms !== null ? `, downtime ${formatDurationMs(m.downtime_ms)}` : ''}`);
  if (m.predicted_duration_s !== undefined) lines.push(`predicted ${formatDurationS(m.predicted_duration_s)} (dashed outline)`);
  for (const a of m.attempts) lines.push(`attempt ${a.attempt}: ${formatClockS(a.started_s)}–${formatClockS(a.finished_s)}${a.error ? ` failed: ${a.error}` : ''}`);
  return lines.join('\n');
}

interface SourceGroup {
  host: string;
  records: MigrationRecord[];
}

/** Source hosts in the recap's order, rows by start time so each group reads left to right. */
function groupBySource(report: RunReport): SourceGroup[] {
  const order = [...report.recap.map((h) => h.host), ...report.migrations.map((m) => m.from)];
  const hosts = [...new Set(order)].filter((h) => report.migrations.some((m) => m.from === h));
  return hosts.map((host) => ({
    host,
    records: report.migrations
      .filter((m) => m.from === host)
      .sort((a, b) => (a.started_s ?? Infinity) - (b.started_s ?? Infinity) || a.vm.localeCompare(b.vm)),
  }));
}
