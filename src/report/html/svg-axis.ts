// Scales, tick values and labels shared by the timeline and the NIC charts.

/** Coordinates with one decimal: enough for a screen, and keeps the file small. */
export function px(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '0';
}

/** Ticks 0, step, 2·step… up to at least maxValue, step from 1/2/2.5/5×10ⁿ. */
export function valueTicks(maxValue: number, targetCount = 5): number[] {
  const top = maxValue > 0 && Number.isFinite(maxValue) ? maxValue : 1;
  const raw = top / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return ticksUpTo(top, step);
}

const TIME_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Ticks on round durations (10 s, 1 min, 5 min, 1 h…). */
export function timeTicks(maxS: number, targetCount = 8): number[] {
  const top = maxS > 0 && Number.isFinite(maxS) ? maxS : 1;
  const step = TIME_STEPS_S.find((s) => top / s <= targetCount) ?? Math.ceil(top / targetCount / 86400) * 86400;
  return ticksUpTo(top, step);
}

function ticksUpTo(top: number, step: number): number[] {
  const ticks: number[] = [];
  for (let i = 0; i * step < top + step * 1e-9; i++) ticks.push(i * step);
  if ((ticks.at(-1) ?? 0) < top - step * 1e-9) ticks.push(ticks.length * step);
  return ticks;
}

/** 45s, 2:30, 1:02:05 — the clock form people read on a timeline. */
export function formatClockS(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export { formatDurationS } from '../../util/duration.ts';

/** Axis labels in Mbps; only past 100 Gbit/s does a label need shortening to fit the gutter. */
export function formatMbps(mbps: number): string {
  return mbps >= 100_000 ? `${(mbps / 1000).toFixed(0)}G` : mbps.toFixed(0);
}
