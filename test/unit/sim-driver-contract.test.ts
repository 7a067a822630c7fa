// The driver contract (test/unit/driver-contract.ts) for the sim driver: the same expectations
// the ssh driver meets against the fake lab, here in virtual time.
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { driverContract } from './driver-contract.ts';
import { simHost, simInventory, simVm } from '../helpers/sim-inventory.ts';

driverContract({
  name: 'sim',
  setup: async () => {
    // Traffic both ways so the counters move; a little dirtying so pre-copy sends more than once.
    const vm = simVm('gsend', { txMbps: 40, rxMbps: 10, dirtyMibPerS: 8 });
    const driver = createSimDriver(simInventory([simHost('hostA', [vm]), simHost('hostB')]));
    return { driver, source: 'hostA', destination: 'hostB', vm: 'gsend' };
  },
});
