// Plans that finish: a pre-copy predicted not to converge is not chosen plain, and the plan's
// estimate matches what the simulator then measures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, TsmigError } from '../../src/errors.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { renderHtmlReport } from '../../src/report/html/render-html-report.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const repoFile = (p: string): string => new URL(`../../${p}`, import.meta.url).pathname;
const relativeError = (estimatedS: number, simulatedS: number): number => Math.abs(estimatedS - simulatedS) / simulatedS;

test('the fast-dirtying receiver goes by post-copy and both VMs move (exit 0), estimate within 15 %', async () => {
  const { report } = await runSim(loadPlaybook(repoFile('playbooks/fast-dirtying-sim.yml')));
  assert.equal(report.exit_code, 0);
  assert.ok(report.migrations.every((m) => m.status === 'changed' && m.vm_on === 'hostB'));
  const receiver = report.plan.migrations.find((m) => m.vm === 'receiver')!;
  assert.equal(receiver.mode, 'post-copy');
  assert.match(receiver.reason, /pre-copy would not converge within 600s \(it dirties 1[45]\d\.\d MiB\/s, its stream would get \d+ Mbps/);
  assert.ok(receiver.dirtyMibPerS! > 140 && receiver.dirtyMibPerS! < 160, `measured ${receiver.dirtyMibPerS} MiB/s`);
  const err = relativeError(report.plan.estimatedTotalTimeS!, report.summary.total_migration_time_s);
  assert.ok(err <= 0.15, `estimate ${report.plan.estimatedTotalTimeS} s vs simulated ${report.summary.total_migration_time_s} s`);
});

test('the demo: estimate within 15 % of the simulated total migration time', async () => {
  const { report } = await runSim(loadPlaybook(repoFile('playbooks/demo-sim.yml')));
  assert.equal(report.exit_code, 0);
  const err = relativeError(report.plan.estimatedTotalTimeS!, report.summary.total_migration_time_s);
  assert.ok(err <= 0.15, `estimate ${report.plan.estimatedTotalTimeS} s vs simulated ${report.summary.total_migration_time_s} s`);
});

test('convergence: fail refuses the plan before anything moves, naming the VM, its dirty rate and its bandwidth', async () => {
  const playbook = loadPlaybook(repoFile('playbooks/fast-dirtying-sim.yml'));
  playbook.constraints.convergence = 'fail';
  let migrationsStarted = 0;
  await assert.rejects(
    runSim(playbook, {}, undefined, (e) => (migrationsStarted += e.type === 'migration-start' ? 1 : 0)),
    (error: unknown) => {
      assert.ok(error instanceof TsmigError);
      assert.equal(error.exitCode, ExitCode.invalidInputOrUnreachable);
      assert.match(error.message, /VM receiver: pre-copy would not converge within the 600s timeout: it dirties 1[45]\d\.\d MiB\/s, its stream would get \d+ Mbps/);
      return true;
    },
  );
  assert.equal(migrationsStarted, 0);
});

const DENIED = (policy: string, timeout: string) => `name: post-copy denied
inventory:
  driver: sim
  hosts:
    A:
      vms:
        db: { memory_mib: 2048, tx_mbps: 20, rx_mbps: 300, dirty_mib_per_s: 120 }
    B: {}
sampling: { duration: 5s, interval: 1s }
migrations: [{ from: A, to: B, vms: all, postcopy: deny }]
constraints: { timeout: ${timeout}, retries: 0, convergence: ${policy} }
`;

test('post-copy denied: prefer-post-copy falls back to pre-copy with auto-converge, which the simulator throttles to the end', async () => {
  const { report } = await runSim(loadPlaybook(writeTemp(DENIED('prefer-post-copy', '10m'))));
  assert.equal(report.exit_code, 0);
  const db = report.plan.migrations[0]!;
  assert.equal(db.mode, 'pre-copy');
  assert.equal(db.autoConverge, true);
  assert.match(db.reason, /^pre-copy with auto-converge: pre-copy would not converge/);
  const err = relativeError(report.plan.estimatedTotalTimeS!, report.summary.total_migration_time_s);
  assert.ok(err <= 0.15, `estimate ${report.plan.estimatedTotalTimeS} s vs simulated ${report.summary.total_migration_time_s} s`);
});

test('post-copy denied and auto-converge too slow for the timeout: refused (exit 4)', async () => {
  await assert.rejects(runSim(loadPlaybook(writeTemp(DENIED('auto-converge', '20s')))), /VM db: pre-copy would not converge within the 20s timeout/);
});

test('convergence: ignore plans the receiver plain, counts it at its timeout, and the timeout aborts it: the VM stays on its source', async () => {
  const playbook = loadPlaybook(repoFile('playbooks/fast-dirtying-sim.yml'));
  playbook.constraints.convergence = 'ignore';
  playbook.constraints.timeoutMs = 60_000;
  playbook.constraints.retries = 0;
  const { report } = await runSim(playbook);
  const receiver = report.plan.migrations.find((m) => m.vm === 'receiver')!;
  assert.equal(receiver.mode, 'pre-copy');
  assert.equal(receiver.autoConverge, undefined);
  assert.match(receiver.reason, /; predicted not to converge within 60s \(it dirties 1[45]\d\.\d MiB\/s, its stream would get \d+ Mbps .*\), planned plain \(convergence: ignore\)/);
  assert.equal(receiver.estimatedDurationS, 60);
  assert.ok(report.plan.estimatedTotalTimeS! >= 60 && Number.isFinite(report.plan.estimatedTotalTimeS!), `total ${report.plan.estimatedTotalTimeS}`);
  const ran = report.migrations.find((m) => m.vm === 'receiver')!;
  assert.equal(ran.status, 'failed');
  assert.equal(ran.vm_on, 'hostA');
  assert.notEqual(report.exit_code, 0);
  assert.equal(report.migrations.find((m) => m.vm === 'sender')!.vm_on, 'hostB');
});

test('the run report has predicted beside measured per migration, and the HTML timeline a dashed estimate per bar', async () => {
  const { report } = await runSim(loadPlaybook(repoFile('playbooks/demo-sim.yml')));
  for (const m of report.migrations) {
    assert.ok(m.predicted_duration_s! > 0 && m.duration_s! > 0, m.vm);
    assert.ok(Math.abs(m.predicted_duration_s! - m.duration_s!) <= 0.15 * m.duration_s!, `${m.vm}: predicted ${m.predicted_duration_s} s, took ${m.duration_s} s`);
    assert.ok(m.predicted_stream_mbps! > 0 && m.dirty_mib_per_s! > 0, m.vm);
  }
  const html = renderHtmlReport(report);
  const estimates = [...html.matchAll(/<g class="bar[^"]*" data-vm="([^"]+)"[^>]*>(?:(?!<\/g>)[\s\S])*?<rect class="estimate"/g)];
  assert.deepEqual(estimates.map((e) => e[1]).sort(), report.migrations.map((m) => m.vm).sort());
});
