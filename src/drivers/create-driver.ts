// Inventory → the driver it names, through the registry: one entry per driver kind (the kinds are
// the keys of DRIVER_OPTIONS in driver-options.ts, where each driver's inventory keys are declared;
// the Record type asks for an entry here when one is added there). A driver loads only when used (the sim needs no ssh2).
import type { DriverKind, Inventory } from '../playbook/types.ts';
import type { Driver } from './driver.ts';

type DriverFactory = (inventory: Inventory, log: (line: string) => void) => Promise<Driver>;

export const DRIVERS: Record<DriverKind, DriverFactory> = {
  ssh: async (inventory, log) => (await import('./ssh/ssh-driver.ts')).createSshDriver(inventory.hosts, log),
  sim: async (inventory) => (await import('./sim/sim-driver.ts')).createSimDriver(inventory),
};

export function createDriver(inventory: Inventory, log: (line: string) => void): Promise<Driver> {
  return DRIVERS[inventory.driver](inventory, log);
}
