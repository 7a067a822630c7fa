import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyOverrides } from '../../src/playbook/apply-overrides.ts';
import { diffPlans, renderPlanDiff } from '../../src/report/plan-diff.ts';
import type { Plan, PlannedMigration } from '../../src/planner/types.ts';
import { UsageError } from '../../src/errors.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const DEMO = new URL('../../playbooks/demo-sim.yml', import.meta.url).pathname;

test('-e overrides set nested keys, typed as YAML, and refuse prototype keys', () => {
  const data: Record<string, unknown> = { constraints: { retries: 2 } };
  applyOverrides(data, ['constraints.max_parallel=3', 'strategy=pre-copy', 'constraints.modes=[pre-copy]']);
  assert.deepEqual(data, { constraints: { retries: 2, max_parallel: 3, modes: ['pre-copy'] }, strategy: 'pre-copy' });
  assert.throws(() => applyOverrides(data, ['__proto__.polluted=1']), UsageError);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => applyOverrides(data, ['novalue']), /write -e key.path=value/);
  assert.throws(() => applyOverrides(data, ['strategy.x=1']), /strategy is not a mapping/);
});

test('-e takes a JSON mapping and @file like ansible-playbook: mappings merge, other values replace', () => {
  const data: Record<string, unknown> = { constraints: { retries: 2, max_parallel: 5 }, strategy: 'traffic-sensitive' };
  applyOverrides(data, ['{"constraints": {"max_parallel": 2}, "strategy": "pre-copy"}']);
  assert.deepEqual(data, { constraints: { retries: 2, max_parallel: 2 }, strategy: 'pre-copy' });
  const file = writeTemp('constraints:\n  retries: 7\nsampling: { duration: 5s }\n', 'overrides.yml');
  applyOverrides(data, [`@${file}`, 'constraints.retries=8']);
  assert.deepEqual(data, { constraints: { retries: 8, max_parallel: 2 }, strategy: 'pre-copy', sampling: { duration: '5s' } });
  assert.throws(() => applyOverrides(data, ['{"__proto__": {"polluted": 1}}']), /invalid key __proto__/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.throws(() => applyOverrides(data, ['{not json']), UsageError);
  assert.throws(() => applyOverrides(data, [`@${writeTemp('- a\n- b\n', 'list.yml')}`]), /must hold a mapping/);
  assert.throws(() => applyOverrides(data, ['@/nonexistent/overrides.yml']), /no such YAML file/);
});

test('-e values are validated by the schema like the file; a bad value or bad -e syntax is exit 5, blamed on the option', async () => {
  const bad = await runCli(['validate', DEMO, '-e', 'constraints.max_parallel=zero']);
  assert.equal(bad.exitCode, 5);
  assert.match(bad.stderr, /-e constraints\.max_parallel=zero: constraints.max_parallel must be integer/);
  assert.equal((await runCli(['validate', DEMO, '-e', 'nonsense'])).exitCode, 5);
  const ok = await runCli(['plan', DEMO, '--json', '-e', 'strategy=post-copy']);
  const plan = (JSON.parse(ok.stdout) as { plan: Plan }).plan;
  assert.ok(plan.migrations.every((m) => m.mode === 'post-copy'));
});

const pm = (vm: string, mode: PlannedMigration['mode'], wave = 0, to = 'B'): PlannedMigration => ({ vm, from: 'A', to, mode, wave, txMbps: 0, rxMbps: 0, memoryMib: 1, reason: '' });
const plan = (contentionMbps: number, migrations: PlannedMigration[]): Plan => ({ strategy: 'traffic-sensitive', objective: 'contention', contentionMbps, migrations, hosts: [], waves: 1 });

test('plan diff lists added, removed and changed VMs and the contention change', () => {
  const d = diffPlans(plan(500, [pm('a', 'pre-copy'), pm('b', 'pre-copy'), pm('c', 'pre-copy')]), plan(400, [pm('a', 'post-copy'), pm('b', 'pre-copy'), pm('d', 'pre-copy', 0, 'C')]));
  assert.deepEqual(d.changes.map((c) => [c.vm, c.kind]), [
    ['a', 'changed'],
    ['c', 'removed'],
    ['d', 'added'],
  ]);
  assert.equal(d.unchanged, 1);
  assert.equal(
    renderPlanDiff(d),
    [
      'PLAN DIFF: 3 changed, 1 unchanged; contention 500.0 -> 400.0 Mbps',
      '~ a: A -> B pre-copy wave 1  =>  A -> B post-copy wave 1',
      '- c: A -> B pre-copy wave 1',
      '+ d: A -> C pre-copy wave 1',
    ].join('\n'),
  );
});

test('plan --compare shows what a runbook change does to the plan', async () => {
  const previous = await runCli(['plan', DEMO, '--json']);
  const saved = join(tempDir, 'previous-plan.json');
  writeFileSync(saved, previous.stdout);
  const same = await runCli(['plan', DEMO, '--compare', saved]);
  assert.match(same.stdout, /PLAN DIFF: 0 changed, 5 unchanged/);
  const changed = await runCli(['plan', DEMO, '--compare', saved, '--strategy', 'pre-copy']);
  assert.match(changed.stdout, /~ web-1: rack12-a -> rack14-b post-copy wave 1 {2}=> {2}rack12-a -> rack14-b pre-copy/);
  const notAPlan = await runCli(['plan', DEMO, '--compare', writeTemp('{"hello": 1}', 'x.json')]);
  assert.equal(notAPlan.exitCode, 4);
  assert.match(notAPlan.stderr, /no plan in it/);
});

test('--limit matching nothing: Ansible\'s warning, exit 5, nothing measured, no report written; a partly matching limit warns and goes on', async () => {
  const report = join(tempDir, 'limit-nothing.json');
  const none = await runCli(['run', DEMO, '--limit', 'nosuchvm', '--report', report]);
  assert.equal(none.exitCode, 5);
  assert.match(none.stderr, /could not match supplied host pattern, ignoring: nosuchvm/);
  assert.match(none.stderr, /--limit 'nosuchvm' leaves no VM to move/);
  assert.doesNotMatch(none.stderr, /TASK \[measure\]/);
  assert.equal(existsSync(report), false);
  const some = await runCli(['plan', DEMO, '--json', '--limit', 'web-*,nosuchvm']);
  assert.equal(some.exitCode, 0);
  assert.match(some.stderr, /could not match supplied host pattern, ignoring: nosuchvm/);
  assert.deepEqual((JSON.parse(some.stdout) as { plan: Plan }).plan.migrations.map((m) => m.vm).sort(), ['web-1', 'web-2']);
});

test('--help of each command lists its exit codes and examples', async () => {
  const run = await runCli(['run', '--help']);
  assert.equal(run.exitCode, 0);
  assert.match(run.stdout, /Exit codes:\n {2}0 .*\n {2}2 .*migrations failed[^]*\n {2}99 /);
  assert.match(run.stdout, /Examples:\n {2}tsmig run playbooks\/demo-sim\.yml\n/);
  assert.match(run.stdout, /-e @overrides\.yml/);
  const validate = await runCli(['validate', '--help']);
  assert.match(validate.stdout, /Exit codes:\n {2}0 [^\n]*\n {2}4 [^\n]*\n {2}5 [^\n]*\n\nExamples:\n {2}tsmig validate /);
});
