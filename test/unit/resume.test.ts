import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimDriver } from '../../src/drivers/sim/sim-driver.ts';
import { EngineEvents } from '../../src/executor/engine-events.ts';
import { reconcilePlan } from '../../src/executor/reconcile-plan.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import type { Plan, PlannedMigration } from '../../src/planner/types.ts';
import { JournalWriter } from '../../src/executor/journal.ts';
import { readJournal } from '../../src/cli/read-journal.ts';
import { runSim } from '../helpers/run-sim.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const pm = (vm: string, wave: number): PlannedMigration => ({ vm, from: 'A', to: 'B', mode: 'pre-copy', wave, txMbps: 0, rxMbps: 0, memoryMib: 1, reason: '' });
const SHA = '0'.repeat(64);
const plan = (migrations: PlannedMigration[]): Plan => ({ strategy: 'traffic-sensitive', objective: 'contention', contentionMbps: 0, migrations, hosts: [], waves: 3 });

test('reconcile: done on destination, still on source, and astray are told apart; waves renumbered', () => {
  const where = new Map([
    ['a', ['B']],
    ['b', ['A']],
    ['c', ['A', 'B']],
    ['e', ['A']],
  ]);
  const r = reconcilePlan(plan([pm('a', 0), pm('b', 1), pm('c', 1), pm('d', 2), pm('e', 2)]), where);
  assert.deepEqual(r.done.map((m) => m.vm), ['a']);
  assert.deepEqual(r.remaining.migrations.map((m) => [m.vm, m.wave]), [
    ['b', 0],
    ['e', 1],
  ]);
  assert.equal(r.remaining.waves, 2);
  assert.deepEqual(r.astray.map((x) => [x.migration.vm, x.runningOn]), [
    ['c', ['A', 'B']],
    ['d', []],
  ]);
});

test('journal: lines are appended as they happen; a line cut short by a kill is ignored; the last run counts', () => {
  const path = join(tempDir, 'cut.journal.jsonl');
  const w = new JournalWriter(path);
  w.append({ type: 'run-start', at: 'x', playbook: 'p', file: 'old.yml', playbook_path: '/old.yml', playbook_sha256: SHA, driver: 'sim' });
  w.append({ type: 'plan', at: 'x', plan: plan([pm('old', 0)]) });
  w.append({ type: 'run-start', at: 'x', playbook: 'p', file: 'p.yml', playbook_path: '/p.yml', playbook_sha256: SHA, driver: 'sim' });
  w.append({ type: 'plan', at: 'x', plan: plan([pm('a', 0)]) });
  w.append({ type: 'migration', at: 'x', vm: 'a', from: 'A', to: 'B', mode: 'pre-copy', state: 'started', attempt: 1 });
  w.close();
  appendFileSync(path, '{"type":"migration","at":"x","vm":"a","sta');
  const j = readJournal(path);
  assert.equal(j.runStart?.file, 'p.yml');
  assert.deepEqual(j.plan.migrations.map((m) => m.vm), ['a']);
  assert.equal(j.lastState.get('a')?.state, 'started');
  assert.equal(j.finished, false);
});

test('interrupted run, then resume from the journal: every VM migrated exactly once, none forgotten', async () => {
  const pb = loadPlaybook(
    writeTemp(`name: resume
inventory:
  driver: sim
  hosts:
    A: { vms: { v1: { memory_mib: 512 }, v2: { memory_mib: 512 }, v3: { memory_mib: 512 }, v4: { memory_mib: 512 } } }
    B: {}
sampling: { duration: 2s, interval: 1s }
migrations: [{ from: A, to: B, vms: all }]
constraints: { max_parallel: 1, retries: 0 }
`),
  );
  const driver = createSimDriver(pb.inventory);
  const journalPath = join(tempDir, 'resume.journal.jsonl');
  const starts: string[] = [];
  const journal = new JournalWriter(journalPath);
  journal.append({ type: 'run-start', at: 'x', playbook: pb.name, file: pb.file, playbook_path: pb.file, playbook_sha256: SHA, driver: 'sim' });
  const stop = new AbortController();
  const first = await runSim(pb, { stop: stop.signal }, driver, (e) => {
    if (e.type === 'migration-start') {
      starts.push(e.vm);
      if (starts.length === 2) stop.abort(new Error('SIGTERM'));
    }
    if (e.type === 'planned') journal.append({ type: 'plan', at: 'x', plan: e.plan });
  });
  journal.close();
  assert.equal(first.report.exit_code, 99);
  assert.equal(first.report.summary.changed, 2);
  assert.equal(first.report.summary.skipped, 2);

  const resumed = await runSim(pb, { resumePlan: readJournal(journalPath).plan }, driver, (e) => {
    if (e.type === 'migration-start') starts.push(e.vm);
  });
  assert.equal(resumed.report.exit_code, 0);
  assert.deepEqual([...starts].sort(), ['v1', 'v2', 'v3', 'v4'], 'each VM started exactly once over both runs');
  assert.deepEqual(resumed.report.migrations.map((m) => [m.vm, m.status]).sort(), [
    ['v1', 'ok'],
    ['v2', 'ok'],
    ['v3', 'changed'],
    ['v4', 'changed'],
  ]);
  for (const vm of ['v1', 'v2', 'v3', 'v4']) assert.deepEqual(resumed.report.placement[vm], ['B']);
  assert.ok(readFileSync(journalPath, 'utf8').includes('"type":"plan"'));
});

test('the engine events are what the journal follows', () => {
  const path = join(tempDir, 'follow.journal.jsonl');
  const events = new EngineEvents();
  const w = new JournalWriter(path);
  const stop = w.follow(events);
  events.emit({ type: 'migration-start', vm: 'v', from: 'A', to: 'B', mode: 'post-copy', attempt: 1, wave: 0 });
  stop();
  events.emit({ type: 'migration-start', vm: 'ignored', from: 'A', to: 'B', mode: 'post-copy', attempt: 1, wave: 0 });
  w.close();
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { vm: string; state: string });
  assert.deepEqual(lines.map((l) => [l.vm, l.state]), [['v', 'started']]);
});
