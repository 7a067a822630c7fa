// What the executor asks a driver to do for one planned move under the playbook's constraints;
// also what a driver's recovery hint for that move is built from.
import type { MigrationRequest } from '../drivers/driver.ts';
import type { MigrationMode } from '../planner/types.ts';
import type { Constraints } from '../playbook/types.ts';

export function migrationRequest(m: { vm: string; from: string; to: string; mode: MigrationMode; autoConverge?: boolean }, c: Constraints, attempt: number): MigrationRequest {
  return {
    vm: m.vm,
    from: m.from,
    to: m.to,
    mode: m.mode,
    bandwidthMbps: c.bandwidthMbps,
    maxDowntimeMs: c.maxDowntimeMs,
    // The convergence rule may ask it for one VM (the plan says so) where the playbook does not.
    autoConverge: c.autoConverge || m.autoConverge === true,
    postcopySwitch: c.postcopySwitch,
    persistent: c.persistent,
    undefineSource: c.undefineSource,
    attempt,
  };
}
