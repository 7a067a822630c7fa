// Live progress on a terminal: listr2 draws the stages (connect … verify) as a task tree; the
// Migrate task has no subtask per migration but one compact body (progress-migrate-body.ts):
// counters, at most max_parallel running rows, the last failures. Every output is set on
// listr2's own spinner tick, paced to at most 8 redraws a second whatever the event rate, so
// hundreds of migrations cost a few short frames, not a redraw per event.
// Signals: no listener of its own (registerSignalListeners false), stdin never read; finish()
// ends every stage the run did not end, so it never waits for what an interrupted run never sends.
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput, Spinner, type ListrTaskWrapper } from 'listr2';
import type { Clock } from '../drivers/driver.ts';
import { STAGES, type EngineEvents, type StageName } from '../executor/engine-events.ts';
import type { Plan } from '../planner/types.ts';
import { plural } from '../util/plural.ts';
import { createFrameWriter, cutToColumns, type FrameSize, type FrameWriter } from './frame-writer.ts';
import { renderPlanText } from './plan-text.ts';
import { formatPlanProgress } from './progress-format.ts';
import { renderMigrateBody } from './progress-migrate-body.ts';
import { ProgressState } from './progress-state.ts';
import { showControlChars } from './show-control-chars.ts';

export interface LiveStream {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
  isTTY?: boolean;
}

export interface ListrProgressOptions {
  /** Where the view is drawn: stderr (stdout belongs to the result: --json, the recap). */
  stream: LiveStream;
  /** The driver's clock: elapsed time and the ETA count in the run's own time (virtual for the sim). */
  clock: Pick<Clock, 'nowMs'>;
  /** The playbook's max_parallel: the view never lists more running migrations. */
  maxParallel: number;
  check: boolean;
  /** Show the plan under its task with at most this many migration rows (fewer on a short terminal); unset: no plan. */
  planRows?: number;
  /** Engine info messages are shown too (-v). */
  verbose?: boolean;
  /** Wall milliseconds between redraws (default 125). */
  redrawIntervalMs?: number;
}

export interface ProgressHandle {
  /** A notice (warning, the interrupt message): shown under the tree now, printed for good at the end. */
  log(line: string): void;
  /** Sets the outputs now instead of at the next tick (tests). */
  redraw(): void;
  /** Resolves once the renderer draws (tests wait for it before reading the screen). */
  readonly ready: Promise<void>;
  /** Ends the view: stages the run did not end are marked stopped (or failed with `error`); resolves after the last frame. */
  finish(error?: unknown): Promise<void>;
}

type StageOutcome = 'done' | 'not-run';
type Task = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof DefaultRenderer>;

const DEFAULT_REDRAW_INTERVAL_MS = 125;
/** listr2's indentation per level (its default). */
const INDENTATION = 2;
/** Notices shown under the tree while it runs (all of them are printed at the end). */
const NOTICES_SHOWN = 3;
/** The body's lines outside the running rows: the counter line, "… and N more", the last failures. */
const BODY_FIXED_LINES = 5;
/** Lines a plan text takes besides its rows: headings, the estimate, "… and N more" twice, a blank. */
const PLAN_FIXED_LINES = 8;
/** Columns listr2 puts before an output line (indentation, the output mark), plus two spare. */
const OUTPUT_INDENT_COLUMNS = 6;

const TITLES: Record<StageName, string> = {
  connect: 'Connect to hosts',
  discover: 'Discover VMs',
  measure: 'Measure traffic',
  plan: 'Plan migrations',
  migrate: 'Migrate',
  verify: 'Verify placement',
};

/**
 * listr2's default renderer, drawing on `stream` through a frame writer that does not re-wrap
 * (frame-writer.ts). nonTTY: listr2 would fall back to line output unless stdout is a TTY; this
 * view is drawn on stderr, which the caller checked.
 */
function rendererOn(write: (text: string) => void, size: FrameSize): typeof DefaultRenderer {
  return class extends DefaultRenderer {
    static override nonTTY = true;
    /**
     * listr2's 'truncate' format, measuring with frame-writer's cutToColumns: listr2 measures
     * every line of every task on every frame with string-width, which takes ~1 ms for a line
     * with one non-ASCII character (a title's ✔) and ~250 ms for the first (its emoji pattern).
     * Lines are cut to the terminal the view is drawn on.
     */
    protected override format(message: string, icon: string, level: number): string[] {
      if (message.trim() === '') return [];
      const columns = (size.columns ?? 80) - level * INDENTATION - 2;
      const pad = ' '.repeat(level * INDENTATION);
      return (icon ? `${icon} ${message}` : message)
        .split('\n')
        .map((line, i) => (i > 0 && line.trim() !== '' ? `${' '.repeat(INDENTATION)}${line.trimEnd()}` : line.trimEnd()))
        .filter((line) => line.trim() !== '')
        .map((line) => `${pad}${cutToColumns(line, columns)}`);
    }

    override async render(): Promise<void> {
      await super.render();
      // Replaced before the first frame: log-update never draws (nor hides the cursor with a signal hook of its own).
      (this as unknown as { updater: FrameWriter }).updater = createFrameWriter(write, size);
    }
  };
}

/** listr2's spinner, ticking at the view's pace; a tick first sets the outputs that changed (which redraws). */
class PacedSpinner extends Spinner {
  constructor(
    private readonly intervalMs: number,
    private readonly setOutputs: () => boolean,
  ) {
    super();
  }

  override start(redraw?: () => void): void {
    super.start(() => {
      if (!this.setOutputs()) redraw?.();
    }, this.intervalMs);
  }
}

class Deferred<T> {
  settled = false;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = (v) => ((this.settled = true), resolve(v));
    this.reject = (e) => ((this.settled = true), reject(e));
  });
  constructor() {
    this.promise.catch(() => undefined);
  }
}

export function startListrProgress(events: EngineEvents, opts: ListrProgressOptions): ProgressHandle {
  const { stream, clock } = opts;
  const state = new ProgressState(clock.nowMs());
  const stageEnds = new Map(STAGES.map((s) => [s, new Deferred<StageOutcome>()]));
  const stageEnd = (s: StageName): Deferred<StageOutcome> => stageEnds.get(s)!;
  const started = new Set<StageName>();
  const planned = new Deferred<Plan | undefined>();
  const ready = new Deferred<void>();
  const viewEnded = new Deferred<void>();
  const notices: string[] = [];
  let noticeTask: Task | undefined;
  let measureTask: Task | undefined;
  let planTask: Task | undefined;
  let migrateTask: Task | undefined;
  let measureText = '';
  let planProgressText = '';
  let measuredHosts = 0;
  let resumed = false;
  const lastSet = new Map<Task, string>();

  const rows = (): number => stream.rows ?? 24;
  const columns = (): number => Math.max(20, (stream.columns ?? 80) - OUTPUT_INDENT_COLUMNS);
  let planLines = 0;

  const bodyLines = (final: boolean): string[] => {
    // The terminal's rows less the stage lines, the plan, the notices (after a blank line) and the cursor's line.
    const shownNotices = Math.min(notices.length, NOTICES_SHOWN);
    const around = STAGES.length + planLines + (shownNotices > 0 ? shownNotices + 1 : 0) + 1;
    return renderMigrateBody(state, clock.nowMs(), { maxRunningRows: opts.maxParallel, maxLines: rows() - around, columns: columns(), final });
  };

  /** Sets a task's output if it changed (listr2 redraws on each set); true if it set any. */
  const setOutput = (task: Task | undefined, text: string): boolean => {
    if (!task || lastSet.get(task) === text) return false;
    lastSet.set(task, text);
    task.output = text;
    return true;
  };
  const setOutputs = (): boolean => {
    let set = false;
    if (measureTask) set = setOutput(measureTask, measureText) || set;
    if (planTask && planProgressText) set = setOutput(planTask, planProgressText) || set;
    if (migrateTask) set = setOutput(migrateTask, bodyLines(false).join('\n')) || set;
    return set;
  };

  const unsubscribe = events.subscribe((e) => {
    state.apply(e, clock.nowMs());
    switch (e.type) {
      case 'stage':
        if (e.status === 'start') {
          // Stages before this one that never started are not part of this run (resume skips measure and plan).
          for (const s of STAGES.slice(0, STAGES.indexOf(e.stage))) if (!started.has(s)) stageEnd(s).resolve('not-run');
          started.add(e.stage);
        } else stageEnd(e.stage).resolve('done');
        break;
      case 'measure-done':
        measuredHosts += 1;
        measureText = showControlChars(`${e.host}: ${plural(e.vms.length, 'VM')}, NIC tx ${e.rates.nicTxMbps.toFixed(0)} / rx ${e.rates.nicRxMbps.toFixed(0)} Mbps (${plural(measuredHosts, 'host')} done)`);
        break;
      case 'plan-progress':
        planProgressText = formatPlanProgress(e.progress);
        break;
      case 'planned':
        // A plan without planning: --resume took it from the journal.
        resumed = !started.has('plan');
        for (const s of ['measure', 'plan'] as const) if (!started.has(s)) stageEnd(s).resolve('not-run');
        planned.resolve(e.plan);
        break;
      case 'warning':
        log(`WARNING: ${e.message}`);
        break;
      case 'info':
        if (opts.verbose) log(e.message);
        break;
      default:
        break;
    }
  });

  let ended = false;
  function log(line: string): void {
    const shown = showControlChars(line).replace(/\n/g, ' ');
    // After the last frame a notice is a plain line, as in plain mode.
    if (ended) return void stream.write(`${shown}\n`);
    notices.push(shown);
    if (noticeTask) noticeTask.output = shown;
  }

  /** A stage's task: done when the stage ends, skipped when the run never had it, failed when the view ends first. */
  const stageTask = (s: StageName, live?: (task: Task | undefined) => void) => async (_ctx: unknown, task: Task): Promise<void> => {
    // A task's output may be set only while it runs (listr2 drops its buffer when it ends).
    live?.(task);
    const outcome = await stageEnd(s).promise.finally(() => live?.(undefined));
    if (outcome === 'not-run') task.skip(`${TITLES[s]}: ${resumed ? 'resumed from the journal' : 'not run'}`);
  };

  const planText = (plan: Plan): string => {
    // Rows the plan may take: the terminal less the stages, the body and a spare line.
    const room = rows() - STAGES.length - Math.min(opts.maxParallel, plan.migrations.length) - BODY_FIXED_LINES - PLAN_FIXED_LINES - 1;
    const perTable = Math.max(1, Math.min(opts.planRows ?? 0, Math.floor(room / 2)));
    const lines = showControlChars(renderPlanText(plan, { maxRows: perTable, maxHostRows: perTable }))
      .split('\n')
      .map((l) => cutToColumns(l, columns()));
    planLines = lines.filter((l) => l.trim() !== '').length;
    return lines.join('\n');
  };

  const stages = STAGES.map((s) => {
    if (s === 'measure') return { title: TITLES[s], task: stageTask(s, (t) => (measureTask = t)) };
    if (s === 'plan') {
      return {
        title: TITLES[s],
        task: async (_ctx: unknown, task: Task): Promise<void> => {
          planTask = task;
          const outcome = await stageEnd(s).promise.finally(() => (planTask = undefined));
          const plan = await planned.promise;
          if (plan && opts.planRows !== undefined) {
            lastSet.delete(task);
            task.output = planText(plan);
          }
          if (outcome === 'not-run') task.skip(`${TITLES[s]}: ${resumed ? 'the plan of the journal resumed' : 'not run'}`);
        },
        // The plan stays on screen under its task while the migrations run; a new output replaces the last.
        rendererOptions: { persistentOutput: true, outputBar: 1 },
      };
    }
    if (s === 'migrate') {
      return {
        title: TITLES[s],
        skip: (): string | false => opts.check && `${TITLES[s]}: check mode, nothing moves`,
        task: async (_ctx: unknown, task: Task): Promise<void> => {
          try {
            await stageTask(s, (t) => (migrateTask = t))(_ctx, task);
          } finally {
            // The last body: counters and failures only; it stays under the task.
            task.output = bodyLines(true).join('\n');
          }
        },
        rendererOptions: { persistentOutput: true, outputBar: 1 },
      };
    }
    if (s === 'verify') return { title: TITLES[s], skip: (): boolean => opts.check, task: stageTask(s) };
    return {
      title: TITLES[s],
      task: async (_ctx: unknown, task: Task): Promise<void> => {
        if (s === STAGES[0]) ready.resolve();
        await stageTask(s)(_ctx, task);
      },
    };
  });

  const processOutput = new ProcessOutput(stream as NodeJS.WriteStream, stream as NodeJS.WriteStream);
  const list = new Listr(
    [
      // Untitled: its stage tasks show at the top level.
      { task: (_ctx: unknown, task: Task) => task.newListr(stages, { concurrent: false, exitOnError: true }) },
      {
        // Untitled: its output is listr2's bottom bar, the last few notices under the tree.
        task: async (_ctx: unknown, task: Task): Promise<void> => {
          noticeTask = task;
          for (const n of notices.slice(-NOTICES_SHOWN)) task.output = n;
          await viewEnded.promise;
          noticeTask = undefined;
        },
        rendererOptions: { bottomBar: NOTICES_SHOWN },
      },
    ],
    {
      concurrent: true,
      exitOnError: false,
      renderer: rendererOn((text) => processOutput.stdout.write(text), stream),
      rendererOptions: {
        collapseSubtasks: false,
        formatOutput: 'truncate',
        spinner: new PacedSpinner(opts.redrawIntervalMs ?? DEFAULT_REDRAW_INTERVAL_MS, setOutputs),
        logger: new ListrLogger({ processOutput }),
      },
      registerSignalListeners: false,
    },
  );
  const running = list.run().catch(() => undefined);

  return {
    log,
    redraw: () => void setOutputs(),
    ready: ready.promise,
    async finish(error?: unknown): Promise<void> {
      unsubscribe();
      const stopped = error ?? new Error('stopped');
      for (const s of STAGES) {
        const d = stageEnd(s);
        if (d.settled) continue;
        if (started.has(s)) d.reject(new Error(`${TITLES[s]}: ${stopped instanceof Error ? showControlChars(stopped.message) : 'stopped'}`));
        else d.resolve('not-run');
      }
      planned.resolve(undefined);
      ready.resolve();
      viewEnded.resolve();
      await running;
      ended = true;
      // The notices stay on screen below the last frame, every one of them.
      if (notices.length > 0) stream.write(`${notices.join('\n')}\n`);
    },
  };
}
