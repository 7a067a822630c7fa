// The timeout of a switched post-copy: left to finish while it moves and ends within one more
// timeout; paused when stalled or too slow. The watch alone, then a whole run on the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MigrationProgress } from '../../src/drivers/driver.ts';
import { PostcopyProgressWatch, STALL_MS } from '../../src/executor/postcopy-timeout.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const MiB = 1024 * 1024;
const progress = (over: Partial<MigrationProgress>): MigrationProgress => ({
  vm: 'vm1',
  phase: 'post-copy',
  memoryTotalBytes: 1024 * MiB,
  memoryRemainingBytes: 100 * MiB,
  transferredBytes: 924 * MiB,
  rateMbps: 80, // 10 MB/s
  iteration: 2,
  ...over,
});

/** One 4 GiB VM moved hostA → hostB by post-copy on the simulator, with these constraints. */
const postcopyPlaybook = (constraints: string): string => `name: post-copy and its timeout
inventory:
  driver: sim
  hosts:
    hostA:
      vms:
        vm1: { memory_mib: 4096, tx_mbps: 10, rx_mbps: 10 }
    hostB: {}
sampling: { duration: 2s, interval: 1s }
migrations: [{ from: hostA, to: hostB, vms: all, mode: post-copy }]
constraints: ${constraints}
`;

test('a moving post-copy with at most the allowed time to go may finish; its remaining time is remaining bytes at its rate', () => {
  const w = new PostcopyProgressWatch();
  w.observe(progress({}), 0);
  assert.ok(Math.abs(w.remainingS(1000)! - (100 * MiB) / 10e6) < 1e-9);
  assert.equal(w.mayFinish(1000, 11_000), true, '10.5 s left, 11 s allowed');
  assert.equal(w.mayFinish(1000, 10_000), false, '10.5 s left, 10 s allowed');
});

test('the remaining time follows how fast the remaining memory falls, not the link rate (zero pages cost nothing)', () => {
  // As on the lab: 187 MiB left, then 89 MiB 30 s later at a reported 15 Mbit/s.
  const w = new PostcopyProgressWatch();
  w.observe(progress({ memoryRemainingBytes: 187 * MiB, rateMbps: 15 }), 0);
  w.observe(progress({ memoryRemainingBytes: 137 * MiB, rateMbps: 15 }), 15_000);
  w.observe(progress({ memoryRemainingBytes: 89 * MiB, rateMbps: 15 }), 30_000);
  // Over the last 20 s window (15 s → 30 s): 48 MiB in 15 s; 89 MiB left → ~27.8 s.
  assert.ok(Math.abs(w.remainingS(30_000)! - (89 * 15) / 48) < 1e-9, String(w.remainingS(30_000)));
  assert.equal(w.mayFinish(30_000, 40_000), true, 'at 15 Mbit/s it would take ~50 s');
});

test('stalled (no progress for STALL_MS), still in pre-copy, or at rate 0: not left to finish', () => {
  const w = new PostcopyProgressWatch();
  w.observe(progress({}), 0);
  w.observe(progress({}), STALL_MS); // the same figures again: no advance
  assert.equal(w.mayFinish(STALL_MS + 1, Infinity), false);
  w.observe(progress({ memoryRemainingBytes: 99 * MiB }), STALL_MS + 2);
  assert.equal(w.mayFinish(STALL_MS + 3, Infinity), true, 'moving again');
  const pre = new PostcopyProgressWatch();
  pre.observe(progress({ phase: 'pre-copy' }), 0);
  assert.equal(pre.mayFinish(1, Infinity), false);
  const still = new PostcopyProgressWatch();
  still.observe(progress({ rateMbps: 0 }), 0);
  assert.equal(still.mayFinish(1, Infinity), false);
  assert.equal(new PostcopyProgressWatch().mayFinish(0, Infinity), false, 'no progress seen');
});

test('sim: a post-copy still moving at its timeout, with less than a timeout to go, is left to finish: changed, never paused', async () => {
  // ~4 GiB at 1 Gbit/s: about 35 s of post-copy against a 25 s timeout.
  const yaml = postcopyPlaybook('{ timeout: 25s, retries: 0, retry_delay: 5s }');
  const { report, events } = await runSim(loadPlaybook(writeTemp(yaml)));
  const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
  const [m] = report.migrations;
  assert.ok(m);
  assert.equal(m.status, 'changed', JSON.stringify(m));
  assert.equal(m.attempts.length, 1, 'one attempt: not paused and resumed');
  assert.ok((m.duration_s ?? 0) > 25, `it outlasted its timeout: ${m.duration_s}s`);
  assert.ok(warnings.some((w) => /vm1: past its timeout \(25s\) in post-copy, still moving/.test(w)), warnings.join('\n'));
  assert.equal(report.exit_code, 0);
});

test('a post-copy predicted beyond its timeout is named before anything moves; one within it is not', async () => {
  const warningsOf = async (timeout: string): Promise<Array<{ message: string; beforeMigrating: boolean }>> => {
    const { events } = await runSim(loadPlaybook(writeTemp(postcopyPlaybook(`{ timeout: ${timeout}, retries: 0 }`))), { check: true });
    const firstStart = events.findIndex((e) => e.type === 'stage' && e.stage === 'migrate');
    return events.flatMap((e, i) => (e.type === 'warning' ? [{ message: e.message, beforeMigrating: firstStart < 0 || i < firstStart }] : []));
  };
  const beyond = await warningsOf('25s');
  const named = beyond.find((w) => /vm1: its post-copy is predicted to take \d+s, beyond constraints.timeout \(25s\)/.test(w.message));
  assert.ok(named?.beforeMigrating, JSON.stringify(beyond));
  assert.deepEqual((await warningsOf('10m')).filter((w) => w.message.includes('predicted to take')), []);
});
