// Issue 14, case 6 (positions and blame): an empty value is reported at its real line, a
// capacity refusal names the migration rule it came from, and a bad `-e` value blames the `-e`
// option (exit 5), not the playbook line it replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, PlaybookError } from '../../src/errors.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const DEMO = new URL('../../playbooks/demo-sim.yml', import.meta.url).pathname;

function refusal(load: () => unknown): PlaybookError {
  try {
    load();
  } catch (error) {
    if (error instanceof PlaybookError) return error;
    throw error;
  }
  assert.fail('expected a PlaybookError');
}

test('an empty inventory: or hosts entry is reported at its own line, saying it is empty', () => {
  const file = writeTemp('name: x\nmigrations: [{ from: A, to: B, vms: all }]\ninventory:\n', 'empty-inventory.yml');
  const e = refusal(() => loadPlaybook(file));
  assert.equal(e.message, `${file}:3:1: inventory is empty: expected a string or a mapping`);
  const host = writeTemp('name: x\ninventory:\n  driver: sim\n  hosts:\n    A:\n    B: {}\nmigrations: [{ from: A, to: B, vms: all }]\n', 'empty-host.yml');
  assert.match(refusal(() => loadPlaybook(host)).message, /empty-host\.yml:5:5: inventory\.hosts\.A is empty: expected a mapping/);
});

test('a bad -e value blames the -e option (exit 5), in every form and for schema, duration and meaning checks', () => {
  const cases: Array<[string, RegExp]> = [
    ['constraints.timeout=abc', /^-e constraints\.timeout=abc: constraints\.timeout: not a duration/],
    ['constraints.max_parallel=abc', /^-e constraints\.max_parallel=abc: constraints\.max_parallel must be integer/],
    ['{"constraints": {"retries": -1}}', /^-e \{"constraints": \{"retries": -1\}\}: constraints\.retries must be >= 0/],
    ['constraints.timeout=1ms', /^-e constraints\.timeout=1ms: constraints\.timeout must be between/],
    ['constraints.bogus=1', /^-e constraints\.bogus=1: unknown key "bogus" in constraints/],
    ['migrations=[{from: nowhere, to: rack14-b, vms: all}]', /^-e migrations=\[.*\]: unknown host "nowhere"/],
  ];
  for (const [override, message] of cases) {
    const e = refusal(() => loadPlaybook(DEMO, { overrides: [override] }));
    assert.equal(e.exitCode, ExitCode.badOptions, override);
    assert.match(e.message, message, override);
    assert.doesNotMatch(e.message, /demo-sim\.yml:\d+/, `${override}: the playbook's line is not blamed`);
  }
  // A later -e wins, and so does its blame; the file's own mistakes keep their line.
  const later = refusal(() => loadPlaybook(DEMO, { overrides: ['constraints.timeout=abc', 'constraints.timeout=xyz'] }));
  assert.match(later.message, /^-e constraints\.timeout=xyz:/);
  const own = writeTemp('name: x\ninventory: { driver: sim, hosts: { A: {}, B: {} } }\nmigrations: [{ from: A, to: B, vms: all }]\nconstraints: { timeout: soon }\n', 'own-mistake.yml');
  const fileError = refusal(() => loadPlaybook(own, { overrides: ['constraints.retries=1'] }));
  assert.equal(fileError.exitCode, ExitCode.invalidInputOrUnreachable);
  assert.match(fileError.message, /own-mistake\.yml:4:25: constraints\.timeout: not a duration/);
});

test('a capacity refusal names the migration rule (FILE:LINE:COL) whose VMs do not fit', async () => {
  const file = writeTemp(
    `name: cap
inventory:
  driver: sim
  hosts:
    A: { vms: { v1: { memory_mib: 512 } } }
    B: { memory_mib: 100 }
sampling: { duration: 2s, interval: 1s }
migrations:
  - from: A
    to: B
    vms: all
`,
    'capacity.yml',
  );
  await assert.rejects(runSim(loadPlaybook(file)), (e: unknown) => {
    assert.match(String((e as Error).message), /^not enough capacity for the migration at .*capacity\.yml:9:5: B is short of 412 MiB memory for v1/);
    return true;
  });
});
