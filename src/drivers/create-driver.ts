// Inventory → the driver it names. The ssh driver loads only when used (the sim needs no ssh2).
import type { Inventory } from '../playbook/types.ts';
import type { Driver } from './driver.ts';
import { createSimDriver } from './sim/sim-driver.ts';

export async function createDriver(inventory: Inventory, log: (line: string) => void): Promise<Driver> {
  if (inventory.driver === 'sim') return createSimDriver(inventory);
  const { createSshDriver } = await import('./ssh/ssh-driver.ts');
  return createSshDriver(inventory.hosts, log);
}
