// The executor prints the driver's recovery hints; it knows no driver's commands itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Driver } from '../../src/drivers/driver.ts';
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { EngineEvents } from '../../src/executor/engine-events.ts';
import { runMigrations } from '../../src/executor/run-migrations.ts';
import type { Plan } from '../../src/planner/types.ts';
import type { Constraints } from '../../src/playbook/types.ts';
import { simHost, simInventory, simVm } from '../helpers/sim-inventory.ts';

const constraints = {
  bandwidthMbps: 0,
  maxDowntimeMs: 300,
  autoConverge: false,
  postcopySwitch: 'immediate',
  persistent: false,
  undefineSource: false,
  retries: 0,
  retryDelayMs: 1000,
  timeoutMs: 60_000,
} as unknown as Constraints;

const plan = { waves: 1, migrations: [{ vm: 'v', from: 'A', to: 'B', mode: 'pre-copy', wave: 0, reason: '' }] } as unknown as Plan;

/** A sim driver whose migrations break in a way that says nothing of where the VM is. */
function lostDriver(hint?: Driver['locateVmHint']): Driver {
  const sim = createSimDriver(simInventory([simHost('A', [simVm('v')]), simHost('B')]));
  return { ...sim, kind: sim.kind, clock: sim.clock, migrate: async () => Promise.reject(new Error('connection lost')), ...(hint ? { locateVmHint: hint } : {}) };
}

async function recoveryWith(driver: Driver): Promise<string | undefined> {
  const [record] = await runMigrations(plan, { driver, constraints, events: new EngineEvents(), runStartMs: 0, stop: new AbortController().signal, abortRunning: new AbortController().signal });
  assert.equal(record?.status, 'failed');
  return record?.recovery;
}

test("a VM lost track of: the recovery is the driver's way to look, or a plain one without virsh", async () => {
  assert.equal(await recoveryWith(lostDriver((vm, hosts) => `look for ${vm} on ${hosts.join('+')}`)), 'check where v runs: look for v on A+B');
  assert.equal(await recoveryWith(lostDriver()), 'check where v runs: list the VMs on A and B');
});
