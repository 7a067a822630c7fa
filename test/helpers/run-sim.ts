// Runs the whole workflow on the simulator in-process and returns the report and the events.
import { createSimDriver, type SimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { EngineEvents, type EngineEvent } from '../../src/executor/engine-events.ts';
import { runWorkflow, type WorkflowOptions } from '../../src/executor/run-workflow.ts';
import type { Playbook } from '../../src/playbook/types.ts';
import type { RunReport } from '../../src/executor/run-report.ts';

export async function runSim(
  playbook: Playbook,
  options: Partial<WorkflowOptions> = {},
  driver: SimDriver = createSimDriver(playbook.inventory),
  onEvent: (e: EngineEvent) => void = () => undefined,
): Promise<{ report: RunReport; events: EngineEvent[]; driver: SimDriver }> {
  const events = new EngineEvents();
  const seen: EngineEvent[] = [];
  events.subscribe((e) => {
    seen.push(e);
    onEvent(e);
  });
  const report = await runWorkflow(playbook, driver, events, {
    check: false,
    stop: new AbortController().signal,
    abortRunning: new AbortController().signal,
    ...options,
  });
  return { report, events: seen, driver };
}
