// What every Driver (sim, ssh) must do, as tests each driver's test file registers
// (sim-driver-contract.test.ts, ssh-driver-contract.test.ts):
//   driverContract({ name, setup }) — setup returns a fresh driver with `vm` running on `source`
//   and not on `destination`; the same expectations hold for every backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Driver, MigrationRequest } from '../../src/drivers/driver.ts';
import { MigrationFailedError } from '../../src/errors.ts';
import { migrationRequest } from '../helpers/migration-request.ts';

export interface DriverContractFixture {
  driver: Driver;
  source: string;
  destination: string;
  /** Running on source, absent from destination. */
  vm: string;
  cleanup?: () => Promise<void>;
}

export interface DriverContractOptions {
  name: string;
  setup: () => Promise<DriverContractFixture>;
  /** Per-test timeout (real backends need seconds). */
  timeoutMs?: number;
}

function request(f: DriverContractFixture, over: Partial<MigrationRequest> = {}): MigrationRequest {
  return migrationRequest(f.vm, f.source, f.destination, over);
}

async function withFixture(options: DriverContractOptions, body: (f: DriverContractFixture) => Promise<void>): Promise<void> {
  const f = await options.setup();
  try {
    await f.driver.connect([f.source, f.destination]);
    await body(f);
  } finally {
    await f.driver.close();
    await f.cleanup?.();
  }
}

export function driverContract(options: DriverContractOptions): void {
  const t = { timeout: options.timeoutMs ?? 30_000 };
  const name = (what: string): string => `${options.name} driver contract: ${what}`;

  test(name('listVms reports the VM on its host only, with memory and vCPUs'), t, () =>
    withFixture(options, async (f) => {
      const onSource = (await f.driver.listVms(f.source)).find((v) => v.name === f.vm);
      assert.ok(onSource, `${f.vm} on ${f.source}`);
      assert.equal(onSource.state, 'running');
      assert.ok(onSource.memoryMib > 0 && onSource.vcpus > 0);
      assert.equal((await f.driver.listVms(f.destination)).find((v) => v.name === f.vm), undefined);
    }),
  );

  test(name('sampleCounters: one reading at the start and one per interval, times and counters never going back'), t, () =>
    withFixture(options, async (f) => {
      const readings = await f.driver.sampleCounters(f.source, { durationMs: 1000, intervalMs: 250 });
      assert.equal(readings.length, 5);
      const spanMs = readings.at(-1)!.atMs - readings[0]!.atMs;
      assert.ok(spanMs >= 750 && spanMs <= 10_000, `readings span ${spanMs} ms for a 1000 ms window`);
      for (let i = 1; i < readings.length; i++) {
        const [a, b] = [readings[i - 1]!, readings[i]!];
        assert.ok(b.atMs > a.atMs);
        assert.ok(b.nic.txBytes >= a.nic.txBytes && b.nic.rxBytes >= a.nic.rxBytes);
        const [va, vb] = [a.vms[f.vm], b.vms[f.vm]];
        assert.ok(va && vb, `${f.vm} in every reading`);
        assert.ok(vb.txBytes >= va.txBytes && vb.rxBytes >= va.rxBytes);
      }
    }),
  );

  test(name('migrate moves the VM: it runs on the destination and no longer on the source'), t, () =>
    withFixture(options, async (f) => {
      const outcome = await f.driver.migrate(request(f), () => {}, new AbortController().signal);
      assert.equal(outcome.vm, f.vm);
      assert.equal(outcome.mode, 'pre-copy');
      assert.ok(outcome.finishedMs >= outcome.startedMs);
      assert.ok(outcome.transferredBytes > 0);
      assert.equal((await f.driver.listVms(f.destination)).find((v) => v.name === f.vm)?.state, 'running');
      assert.notEqual((await f.driver.listVms(f.source)).find((v) => v.name === f.vm)?.state, 'running');
    }),
  );

  test(name('migrating a VM that is not on the given source fails, not retryable'), t, () =>
    withFixture(options, async (f) => {
      const wrong = request(f, { from: f.destination, to: f.source });
      await assert.rejects(f.driver.migrate(wrong, () => {}, new AbortController().signal), (e: unknown) => {
        assert.ok(e instanceof MigrationFailedError, String(e));
        assert.equal(e.vm, f.vm);
        assert.equal(e.retryable, false);
        assert.notEqual(e.vmOn, 'source');
        return true;
      });
      assert.equal((await f.driver.listVms(f.source)).find((v) => v.name === f.vm)?.state, 'running');
    }),
  );
}
