// The Gantt chart: one row per migration, grouped by source host, on the run's clock.
// Each migration is one `.bar` group (data-vm) holding a rect per attempt, so retries show as
// separate segments and failed attempts as hatched ones; colours come from the page's CSS.
import type { AttemptRecord, MigrationRecord } from '../../executor/migration-record.ts';
import type { RunReport } from '../../executor/run-report.ts';
import { escapeHtml } from '../escape-html.ts';
import { formatClockS, formatDurationS, px, timeTicks } from './svg-axis.ts';
import { formatBytes } from '../progress-format.ts';
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

export function renderTimelineSvg(report: RunReport): string {
  const groups = groupBySource(report);
  const endS = Math.max(report.summary.run_time_s, ...report.migrations.map((m) => m.finished_s ?? 0), 1);
  const plotLeft = LABEL_WIDTH_PX;
  const plotWidth = WIDTH_PX - LABEL_WIDTH_PX - STATUS_WIDTH_PX;
  const x = (s: number): number => plotLeft + (Math.max(0, s) / endS) * plotWidth;
  const rows = groups.reduce((n, g) => n + g.records.length, 0);
  const heightPx = AXIS_HEIGHT_PX + groups.length * GROUP_HEADER_PX + rows * ROW_HEIGHT_PX + 6;
  const parts: string[] = [];

  const firstStartS = Math.min(...report.migrations.map((m) => m.started_s ?? Infinity));
  if (Number.isFinite(firstStartS) && firstStartS > 0) {
    // Before the first migration the run measured traffic and planned; shade it so the gap reads as work, not idleness.
    parts.push(`<rect class="prelude" x="${px(plotLeft)}" y="${AXIS_HEIGHT_PX}" width="${px(x(firstStartS) - plotLeft)}" height="${px(heightPx - AXIS_HEIGHT_PX)}"/>`);
  }
  for (const t of timeTicks(endS)) {
    if (t > endS + 1e-9) continue;
    parts.push(`<line class="grid" x1="${px(x(t))}" y1="${AXIS_HEIGHT_PX - 4}" x2="${px(x(t))}" y2="${heightPx}"/>`);
    parts.push(`<text class="tick" x="${px(x(t))}" y="${AXIS_HEIGHT_PX - 8}" text-anchor="middle">${formatClockS(t)}</text>`);
  }

  let y = AXIS_HEIGHT_PX;
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
  if (m.status === 'failed') {
    const last = attempts.at(-1)!;
    segs.push(`<text class="fail-mark" x="${px(Math.max(x(last.finished_s), x(last.started_s) + MIN_BAR_WIDTH_PX) + 3)}" y="${px(barTop + 11)}">✕</text>`);
  }
  const cls = `bar ${modeClass(m.mode)} ${statusClass('status', m.status)}${attempts.length > 1 ? ' retried' : ''}`;
  out.push(`<g class="${cls}" data-vm="${escapeHtml(m.vm)}" data-attempts="${attempts.length}">${segs.join('')}</g>`, statusText);
  return out.join('');
}

function statusLine(m: MigrationRecord): string {
  const tries = m.attempts.length > 1 ? `, ${m.attempts.length} attempts` : '';
  if (m.status === 'failed') return `FAILED after ${m.attempts.length} attempt${m.attempts.length === 1 ? '' : 's'}`;
  if (m.status === 'skipped') return 'skipped: not started';
  if (m.status === 'ok') return 'already in place';
  return `${m.mode} ${formatDurationS(m.duration_s ?? 0)}${tries}`;
}

function barTitle(m: MigrationRecord): string {
  const lines = [`${m.vm}: ${m.from} → ${m.to}, ${m.mode}, ${m.status}`];
  if (m.duration_s !== null) lines.push(`${formatDurationS(m.duration_s)}, ${formatBytes(m.bytes)}${m.downtime_ms !== null ? `, downtime ${m.downtime_ms.toFixed(0)} ms` : ''}`);
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
