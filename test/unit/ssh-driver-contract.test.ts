// The driver contract (test/unit/driver-contract.ts) for the ssh driver, against the fake lab.
import { after } from 'node:test';
import { createSshDriver } from '../../src/drivers/ssh/ssh-driver.ts';
import { driverContract } from './driver-contract.ts';
import { startFakeLab } from './ssh-fake-lab.ts';

const lab = await startFakeLab(600);
after(() => lab.close());

driverContract({
  name: 'ssh',
  timeoutMs: Math.max(20_000, lab.migrateMs * 6), // a loaded machine stretches the fake migration
  setup: async () => {
    lab.reset();
    const driver = createSshDriver([lab.inventoryHost('hostA'), lab.inventoryHost('hostB')], () => {}, {
      migration: { progressPollMs: 200, finalEventWaitMs: 1000, verifyWaitMs: 1000 },
    });
    return { driver, source: 'hostA', destination: 'hostB', vm: 'gsend' };
  },
});
