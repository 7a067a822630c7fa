// Live progress on a terminal: a listr2 task tree fed by engine events (stages, hosts measured,
// each migration with percent, rate and retries). Used only when stderr is a TTY and CI is unset.
import { showControlChars } from './show-control-chars.ts';
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import { STAGES, type EngineEvent, type EngineEvents } from '../executor/engine-events.ts';
import type { Plan } from '../planner/types.ts';
import { formatMigrationProgress, formatPlanProgress } from './progress-format.ts';
import { plural } from '../util/plural.ts';
import { formatDurationMs } from '../util/duration.ts';

type Stage = Extract<EngineEvent, { type: 'stage' }>['stage'];

class Deferred<T = void> {
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
  constructor() {
    this.promise.catch(() => undefined);
  }
}

export interface ProgressHandle {
  /** Resolves when the renderer has drawn its last frame. */
  finish(error?: unknown): Promise<void>;
}

export function startListrProgress(events: EngineEvents, check: boolean, renderPlan?: (plan: Plan) => string): ProgressHandle {
  const stageEnds = new Map<Stage, Deferred>();
  const stageEnd = (s: Stage): Deferred => {
    let d = stageEnds.get(s);
    if (!d) stageEnds.set(s, (d = new Deferred()));
    return d;
  };
  const planned = new Deferred<Plan>();
  const migrationEnds = new Map<string, Deferred<string | undefined>>();
  const migrationEnd = (vm: string): Deferred<string | undefined> => {
    let d = migrationEnds.get(vm);
    if (!d) migrationEnds.set(vm, (d = new Deferred<string | undefined>()));
    return d;
  };
  const migrationTasks = new Map<string, ListrTaskWrapper<unknown, never, never>>();
  let measureTask: ListrTaskWrapper<unknown, never, never> | undefined;
  let planTask: ListrTaskWrapper<unknown, never, never> | undefined;
  let measured = 0;

  const unsubscribe = events.subscribe((e) => {
    switch (e.type) {
      case 'stage':
        if (e.status === 'end') stageEnd(e.stage).resolve();
        break;
      case 'measure-done':
        measured += 1;
        if (measureTask) measureTask.output = `${e.host}: ${plural(e.vms.length, 'VM')}, NIC tx ${e.rates.nicTxMbps.toFixed(0)} / rx ${e.rates.nicRxMbps.toFixed(0)} Mbps (${plural(measured, 'host')} done)`;
        break;
      case 'plan-progress':
        if (planTask) planTask.output = formatPlanProgress(e.progress);
        break;
      case 'planned':
        planned.resolve(e.plan);
        break;
      case 'migration-progress': {
        const task = migrationTasks.get(e.vm);
        if (task) task.output = formatMigrationProgress(e.progress);
        break;
      }
      case 'migration-retry': {
        const task = migrationTasks.get(e.vm);
        if (task) task.output = `attempt ${e.attempt} failed: ${showControlChars(e.error)}; retrying in ${formatDurationMs(e.delayMs)}`;
        break;
      }
      case 'migration-end':
        migrationEnd(e.record.vm).resolve(e.record.status === 'failed' ? (e.record.error ?? 'failed') : undefined);
        break;
      default:
        break;
    }
  });

  const waitStage = (s: Stage) => () => stageEnd(s).promise;
  const list = new Listr(
    [
      { title: 'Connect to hosts', task: waitStage('connect') },
      { title: 'Discover VMs', task: waitStage('discover') },
      {
        title: 'Measure traffic',
        task: (_ctx, task) => {
          measureTask = task as unknown as ListrTaskWrapper<unknown, never, never>;
          return stageEnd('measure').promise;
        },
      },
      {
        title: 'Plan migrations',
        task: async (_ctx, task) => {
          planTask = task;
          const plan = await planned.promise;
          if (renderPlan) task.output = renderPlan(plan);
        },
        // The plan stays on screen under its task while the migrations run.
        rendererOptions: { persistentOutput: true, outputBar: Infinity },
      },
      {
        title: 'Migrate',
        skip: () => check && 'check mode: nothing moves',
        task: async (_ctx, task) => {
          const { migrations } = await planned.promise;
          return task.newListr(
            migrations.map((m) => ({
              title: `${m.vm}: ${m.from} → ${m.to} (${m.mode}, wave ${m.wave + 1})`,
              task: async (_c: unknown, sub: ListrTaskWrapper<unknown, never, never>) => {
                migrationTasks.set(m.vm, sub);
                const error = await migrationEnd(m.vm).promise;
                if (error) throw new Error(error);
              },
            })),
            { concurrent: true, exitOnError: false },
          );
        },
      },
      { title: 'Verify placement', skip: () => check, task: waitStage('verify') },
    ],
    {
      exitOnError: true,
      renderer: 'default',
      // stdout belongs to the result (--json, the recap); progress goes to stderr.
      rendererOptions: { collapseSubtasks: false, logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }) },
      registerSignalListeners: false,
    },
  );
  const running = list.run().catch(() => undefined);

  return {
    async finish(error?: unknown): Promise<void> {
      if (error !== undefined) {
        for (const d of stageEnds.values()) d.reject(error);
        for (const s of STAGES) stageEnd(s).reject(error);
        planned.reject(error);
      }
      unsubscribe();
      await running;
    },
  };
}
