// What the live view shows under its Migrate task, as lines: a counter line, at most
// `maxRunningRows` running migrations (oldest first, the rest counted) and the last few failures.
// Finished migrations fold away into the counters. Pure: the same state, time and size give the
// same lines, each cut to the width given so none wraps, and never more lines than `maxLines`.
import { formatDurationS } from '../util/duration.ts';
import type { ProgressState, RunningMigration } from './progress-state.ts';
import { showControlChars } from './show-control-chars.ts';

export interface MigrateBodyOptions {
  /** The playbook's max_parallel: never more running rows than this. */
  maxRunningRows: number;
  /** Lines the body may take (the terminal's rows less what the task tree around it needs). */
  maxLines: number;
  /** Columns a line may take. */
  columns: number;
  /** The last frame: nothing is running any more, only the counters and the failures stay. */
  final?: boolean;
}

export function renderMigrateBody(state: ProgressState, nowMs: number, opts: MigrateBodyOptions): string[] {
  const lines = [counterLine(state, nowMs)];
  const failures = state.recentFailures.map((f) => `✗ ${shown(f.vm)}  ${shown(f.from)} -> ${shown(f.to)}  failed: ${showControlChars(f.error.replace(/\s+/g, ' '))}`);
  const running = opts.final ? [] : [...state.running.values()];
  // Counter line and failures first; running rows get what is left, but always at least one.
  const room = Math.max(1, Math.min(opts.maxRunningRows, opts.maxLines - 1 - failures.length));
  const rows = running.length > room ? running.slice(0, room - 1) : running;
  for (const r of rows) lines.push(runningRow(r, nowMs));
  if (rows.length < running.length) lines.push(`… and ${running.length - rows.length} more running`);
  lines.push(...failures);
  return lines.map((l) => fitWidth(l, opts.columns));
}

function counterLine(state: ProgressState, nowMs: number): string {
  const elapsedS = (nowMs - state.runStartMs) / 1000;
  const eta = state.etaS(nowMs);
  // Most telling first: on a narrow terminal the line is cut from the end.
  return [
    `done ${state.done}/${state.total}`,
    `failed ${state.failed}`,
    `retrying ${state.retrying.size}`,
    `running ${state.running.size}`,
    eta === undefined ? '' : `ETA ${formatDurationS(eta)}`,
    `elapsed ${formatDurationS(elapsedS)}`,
    state.wave && state.plan ? `wave ${state.wave.index + 1}/${state.plan.waves}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

function runningRow(r: RunningMigration, nowMs: number): string {
  const p = r.progress;
  const attempt = r.attempt > 1 ? ` #${r.attempt}` : '';
  // The phase only where it says more than the mode: a round, the stop-and-copy, a post-copy's first pass.
  const round = p?.phase === 'pre-copy' ? ` r${p.iteration}` : '';
  const phase = !p ? 'starting' : p.phase === r.mode ? round.trim() : `${p.phase}${round}`;
  const pct = p && p.memoryTotalBytes > 0 ? `${Math.min(100, (100 * p.transferredBytes) / p.memoryTotalBytes).toFixed(0).padStart(3)}%` : '    ';
  const rate = p ? `${p.rateMbps.toFixed(0).padStart(6)} Mbps` : '';
  // The arrow of the plan text.
  return `${shown(r.vm)}  ${shown(r.from)} -> ${shown(r.to)}  ${`${r.mode}${attempt}`.padEnd(12)} ${phase.padEnd(13)}${pct} ${rate}  ${formatDurationS((nowMs - r.startedMs) / 1000)}`;
}

/** A name on one line: control characters, newlines and tabs shown escaped (they would move the cursor or add rows). */
function shown(name: string): string {
  return showControlChars(name).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** Cut to the width: a wrapped line would be a row the bound does not count. */
function fitWidth(line: string, columns: number): string {
  const chars = [...line];
  const max = Math.max(10, columns);
  return chars.length <= max ? line : `${chars.slice(0, max - 1).join('')}…`;
}
