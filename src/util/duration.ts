// Durations as people write them in playbooks: 500ms, 30s, 2m, 1h, or a number of seconds.
const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new RangeError(`not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 30s, 2m)`);
  const unit = (match[2] ?? 's') as keyof typeof MS_PER_UNIT;
  return Number(match[1]) * MS_PER_UNIT[unit];
}

/** Durations in text, as people read them: 0.3 s, 28.1 s, 107 s, 30.2 min, 2.5 h. */
export function formatDurationS(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 600) return `${seconds.toFixed(0)} s`;
  if (seconds < 3 * 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Short waits and downtimes stay in ms (300 ms); from a second on, as formatDurationS. */
export function formatDurationMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : formatDurationS(ms / 1000);
}
