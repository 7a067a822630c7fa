// One sim run of a playbook with a given strategy, in-process, with every VM's traffic tapped.
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { EngineEvents } from '../../src/executor/engine-events.ts';
import { runWorkflow } from '../../src/executor/run-workflow.ts';
import type { Strategy } from '../../src/planner/types.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { attachTrafficTap, type TrafficSegment } from './traffic-tap.ts';

export interface SimStrategyRun {
  report: RunReport;
  segments: TrafficSegment[];
  /** The migration window in virtual ms: first migration start to last migration end. */
  migrationFromMs: number;
  migrationToMs: number;
}

export async function runSimStrategy(playbook: Playbook, strategy: Strategy): Promise<SimStrategyRun> {
  const driver = createSimDriver(playbook.inventory);
  const segments = attachTrafficTap(driver);
  const runStartMs = driver.clock.nowMs();
  const report = await runWorkflow(playbook, driver, new EngineEvents(), {
    check: false,
    strategy,
    stop: new AbortController().signal,
    abortRunning: new AbortController().signal,
  });
  const failed = report.migrations.filter((m) => m.status !== 'changed');
  if (failed.length > 0) {
    throw new Error(`${playbook.name}, ${strategy}: ${failed.map((m) => `${m.vm} ${m.status}${m.error ? ` (${m.error})` : ''}`).join(', ')}`);
  }
  const starts = report.migrations.map((m) => m.started_s ?? 0);
  const ends = report.migrations.map((m) => m.finished_s ?? 0);
  return { report, segments, migrationFromMs: runStartMs + Math.min(...starts) * 1000, migrationToMs: runStartMs + Math.max(...ends) * 1000 };
}
