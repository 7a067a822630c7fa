// Durations as people write them in playbooks: 500ms, 30s, 2m, 1h, or a number of seconds.
const MS_PER_UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number') return value * 1000;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new RangeError(`not a duration: ${JSON.stringify(value)} (use e.g. 500ms, 30s, 2m)`);
  const unit = (match[2] ?? 's') as keyof typeof MS_PER_UNIT;
  return Number(match[1]) * MS_PER_UNIT[unit];
}

export function formatDurationS(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${(seconds - m * 60).toFixed(0).padStart(2, '0')}s`;
}
