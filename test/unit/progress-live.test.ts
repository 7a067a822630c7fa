// The live view (listr2 stages + the compact Migrate body) on a terminal in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineEvents, type EngineEvent } from '../../src/executor/engine-events.ts';
import type { Plan, PlannedMigration } from '../../src/planner/types.ts';
import { startListrProgress, type ListrProgressOptions } from '../../src/report/progress-listr.ts';
import type { MigrationRecord } from '../../src/executor/migration-record.ts';
import { FakeTty } from '../helpers/fake-tty.ts';

const MAX_PARALLEL = 16;
const RUNNING_ROW = /^ {4}vm\d{4} {2}src\d -> dst\d /;
/** No timer tick in these tests: frames are drawn on task changes and on redraw(). */
const NO_TICK = 3_600_000;

function fleetPlan(count: number): Plan {
  const migrations: PlannedMigration[] = Array.from({ length: count }, (_, i) => ({
    vm: `vm${String(i).padStart(4, '0')}`,
    from: `src${i % 10}`,
    to: `dst${i % 10}`,
    mode: i % 3 === 0 ? 'post-copy' : 'pre-copy',
    wave: Math.floor(i / MAX_PARALLEL),
    txMbps: 100,
    rxMbps: 10,
    memoryMib: 4096,
    reason: 'test',
  }));
  const waves = Math.ceil(count / MAX_PARALLEL);
  return {
    strategy: 'traffic-sensitive',
    objective: 'contention',
    contentionMbps: 1000,
    migrations,
    hosts: Array.from({ length: 20 }, (_, h) => ({ host: `h${h}`, sourceMbps: 10 * h, destinationMbps: 5 * h })),
    waves,
    waveSummaries: Array.from({ length: waves }, (_, wave) => ({ wave, migrations: MAX_PARALLEL, contentionMbps: 1000, estimatedDurationS: 30 })),
  };
}

function record(m: PlannedMigration, status: MigrationRecord['status'], error?: string): MigrationRecord {
  return { vm: m.vm, from: m.from, to: m.to, mode: m.mode, wave: m.wave, status, started_s: 0, finished_s: 1, duration_s: 1, bytes: 0, downtime_ms: 0, retries: 0, vm_on: m.to, reason: m.reason, attempts: [], ...(error ? { error } : {}) };
}

/** Connect, discover, measure 20 hosts, plan: the stages before the migrations. */
function* stagesBefore(plan: Plan): Generator<EngineEvent> {
  for (const stage of ['connect', 'discover'] as const) {
    yield { type: 'stage', stage, status: 'start' };
    yield { type: 'stage', stage, status: 'end' };
  }
  yield { type: 'stage', stage: 'measure', status: 'start' };
  for (let h = 0; h < 20; h++) yield { type: 'measure-start', host: `h${h}`, durationMs: 30_000 };
  yield { type: 'stage', stage: 'measure', status: 'end' };
  yield { type: 'stage', stage: 'plan', status: 'start' };
  yield { type: 'stage', stage: 'plan', status: 'end' };
  yield { type: 'planned', plan };
  yield { type: 'stage', stage: 'migrate', status: 'start' };
}

/**
 * 200 migrations wave by wave, as the executor emits them: starts, progress, a retry for every
 * 7th VM, a failure for every 50th, ends in a shuffled order.
 */
function* migrationEvents(plan: Plan): Generator<EngineEvent> {
  for (let wave = 0; wave < plan.waves; wave++) {
    const inWave = plan.migrations.filter((m) => m.wave === wave);
    yield { type: 'wave-start', wave, vms: inWave.map((m) => m.vm) };
    for (const m of inWave) yield { type: 'migration-start', vm: m.vm, from: m.from, to: m.to, mode: m.mode, attempt: 1, wave };
    for (const [k, m] of inWave.entries()) {
      const progress = { vm: m.vm, phase: 'pre-copy' as const, memoryTotalBytes: 4 << 30, memoryRemainingBytes: 1 << 30, transferredBytes: (k + 1) << 28, rateMbps: 900, iteration: 1 };
      yield { type: 'migration-progress', vm: m.vm, progress };
      if (Number(m.vm.slice(2)) % 7 === 0) {
        yield { type: 'migration-retry', vm: m.vm, attempt: 1, error: 'link dropped', delayMs: 5000 };
        yield { type: 'migration-start', vm: m.vm, from: m.from, to: m.to, mode: m.mode, attempt: 2, wave };
      }
    }
    for (const m of [...inWave].reverse()) {
      const failed = Number(m.vm.slice(2)) % 50 === 0;
      yield { type: 'migration-end', record: failed ? record(m, 'failed', 'sim: injected\nfailure') : record(m, 'changed') };
    }
  }
}

/** Lets listr2's task promises move on (a stage's task ends a few promise hops after its event). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function startView(tty: FakeTty, nowMs: () => number, more: Partial<ListrProgressOptions> = {}) {
  const events = new EngineEvents();
  const view = startListrProgress(events, { stream: tty, clock: { nowMs }, maxParallel: MAX_PARALLEL, check: false, planRows: 20, redrawIntervalMs: NO_TICK, ...more });
  await view.ready;
  return { events, view };
}

test('live view at 200 migrations: never more than max_parallel running rows, the frame within the terminal, counters done/total/failed/retrying, finished ones folded away', async () => {
  const tty = new FakeTty(120, 60);
  let nowMs = 0;
  const { events, view } = await startView(tty, () => nowMs);
  const plan = fleetPlan(200);
  for (const e of stagesBefore(plan)) events.emit(e);
  await settle();
  let maxRows = 0;
  let sawRetrying = false;
  let sawEta = false;
  let frames = 0;
  for (const e of migrationEvents(plan)) {
    nowMs += 250;
    events.emit(e);
    // A frame every 8 events: the view's timer would draw at most 8 a second whatever the event rate.
    if (++frames % 8 !== 0) continue;
    view.redraw();
    const screen = tty.lines();
    const rows = screen.filter((l) => RUNNING_ROW.test(l)).length;
    maxRows = Math.max(maxRows, rows);
    assert.ok(rows <= MAX_PARALLEL, `${rows} running rows:\n${screen.join('\n')}`);
    assert.ok(screen.length < tty.rows, `${screen.length} lines on a ${tty.rows}-row terminal:\n${screen.join('\n')}`);
    const counters = screen.find((l) => /done \d+\/200/.test(l));
    assert.ok(counters, `a counter line:\n${screen.join('\n')}`);
    assert.match(counters, /failed \d+ {2}retrying \d+ {2}running \d+/);
    sawRetrying ||= /retrying [1-9]/.test(counters);
    sawEta ||= /ETA \d/.test(counters);
  }
  assert.equal(maxRows, MAX_PARALLEL, 'a full wave fills the rows');
  assert.ok(sawRetrying && sawEta, 'retries are counted and the plan gives an ETA');
  events.emit({ type: 'stage', stage: 'migrate', status: 'end' });
  events.emit({ type: 'stage', stage: 'verify', status: 'start' });
  events.emit({ type: 'stage', stage: 'verify', status: 'end' });
  await view.finish();
  const screen = tty.lines();
  const text = screen.join('\n');
  assert.match(text, /done 200\/200 {2}failed 4 {2}retrying 0 {2}running 0/);
  assert.equal(screen.filter((l) => RUNNING_ROW.test(l)).length, 0, 'no running row left');
  assert.equal(screen.filter((l) => /✗ vm\d{4}/.test(l)).length, 3, 'the last 3 failures stay listed, one line each');
  assert.ok(screen.some((l) => l.includes('failed: sim: injected failure')));
  for (const title of ['Connect to hosts', 'Discover VMs', 'Measure traffic', 'Plan migrations', 'Migrate', 'Verify placement']) assert.match(text, new RegExp(`✔ ${title}`));
  assert.match(text, /PLAN \[traffic-sensitive\] 200 migrations/, 'the plan stays under its task');
});

for (const [columns, rows] of [
  [120, 60],
  [60, 24],
] as const) {
  test(`200 migrations running at once on a ${columns}×${rows} terminal: at most max_parallel rows (fewer on a short terminal), the rest counted, nothing wraps`, async () => {
    const tty = new FakeTty(columns, rows);
    const { events, view } = await startView(tty, () => 0);
    const plan = fleetPlan(200);
    for (const e of stagesBefore(plan)) events.emit(e);
    await settle();
    events.emit({ type: 'wave-start', wave: 0, vms: [] });
    for (const m of plan.migrations) events.emit({ type: 'migration-start', vm: m.vm, from: m.from, to: m.to, mode: m.mode, attempt: 1, wave: 0 });
    view.redraw();
    const screen = tty.lines();
    assert.ok(screen.length < rows, `${screen.length} lines:\n${screen.join('\n')}`);
    const shown = screen.filter((l) => RUNNING_ROW.test(l)).length;
    assert.ok(shown >= 1 && shown < MAX_PARALLEL, `${shown} rows`);
    assert.ok(screen.some((l) => l.includes(`… and ${200 - shown} more running`)), screen.join('\n'));
    assert.ok(screen.some((l) => l.includes('running 200')), 'the counter has them all');
    await view.finish();
  });
}

test('the live view takes no signal and finish() never waits for what an interrupted run does not send', async () => {
  const signals = (): number[] => ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
  const before = signals();
  const tty = new FakeTty();
  const { events, view } = await startView(tty, () => 0);
  assert.deepEqual(signals(), before, 'no SIGINT/SIGTERM listener: the CLI handles signals exactly as in plain mode');
  const plan = fleetPlan(40);
  for (const e of stagesBefore(plan)) events.emit(e);
  // Interrupted: the first wave starts, nothing ends, no migrate end, no verify.
  for (const m of plan.migrations.slice(0, 4)) events.emit({ type: 'migration-start', vm: m.vm, from: m.from, to: m.to, mode: m.mode, attempt: 1, wave: 0 });
  view.log('SIGINT: starting no new migrations; running migrations finish (send again to abort them)');
  await settle();
  view.redraw();
  assert.match(tty.lines().join('\n'), /SIGINT: starting no new migrations/, 'the notice shows at once, under the tree');
  const t0 = performance.now();
  await view.finish();
  assert.ok(performance.now() - t0 < 5_000, 'finish() returned');
  assert.deepEqual(signals(), before);
  const screen = tty.lines().join('\n');
  assert.match(screen, /✖ Migrate: stopped/, 'the stage that did not end is marked');
  assert.match(screen, /^SIGINT: starting no new migrations/m, 'the notice stays on its own line below the last frame');
  const writes = tty.writes.length;
  events.emit({ type: 'migration-start', vm: 'late', from: 'a', to: 'b', mode: 'pre-copy', attempt: 1, wave: 0 });
  assert.equal(tty.writes.length, writes, 'nothing drawn after finish');
});

test('interrupted while measuring: the view ends at once, measure marked stopped, nothing later drawn as run', async () => {
  const tty = new FakeTty();
  const { events, view } = await startView(tty, () => 0);
  for (const stage of ['connect', 'discover'] as const) {
    events.emit({ type: 'stage', stage, status: 'start' });
    events.emit({ type: 'stage', stage, status: 'end' });
  }
  events.emit({ type: 'stage', stage: 'measure', status: 'start' });
  events.emit({ type: 'warning', message: 'interrupted by SIGINT before any migration started: nothing moved' });
  await view.finish();
  const screen = tty.lines().join('\n');
  assert.match(screen, /✖ Measure traffic: stopped/);
  assert.doesNotMatch(screen, /✔ (Plan migrations|Migrate|Verify placement)/);
  assert.match(screen, /^WARNING: interrupted by SIGINT/m);
});

test('--resume: a plan without measuring or planning; those stages show as skipped, the run ends normally', async () => {
  const tty = new FakeTty();
  const { events, view } = await startView(tty, () => 0);
  const plan = fleetPlan(3);
  for (const stage of ['connect', 'discover'] as const) {
    events.emit({ type: 'stage', stage, status: 'start' });
    events.emit({ type: 'stage', stage, status: 'end' });
  }
  events.emit({ type: 'planned', plan });
  events.emit({ type: 'stage', stage: 'migrate', status: 'start' });
  for (const m of plan.migrations) events.emit({ type: 'migration-end', record: record(m, 'changed') });
  events.emit({ type: 'stage', stage: 'migrate', status: 'end' });
  events.emit({ type: 'stage', stage: 'verify', status: 'start' });
  events.emit({ type: 'stage', stage: 'verify', status: 'end' });
  await view.finish();
  const screen = tty.lines().join('\n');
  assert.match(screen, /Measure traffic: resumed from the journal/);
  assert.match(screen, /Plan migrations: the plan of the journal resumed/);
  assert.match(screen, /✔ Migrate\n {2}. done 3\/3/);
  assert.match(screen, /✔ Verify placement/);
});

test('control characters in names and errors are shown escaped, never sent to the terminal', async () => {
  const tty = new FakeTty();
  const { events, view } = await startView(tty, () => 0);
  const plan = fleetPlan(2);
  const evil = { ...plan.migrations[0]!, vm: 'vm\x1b[2Jevil\nname' };
  for (const e of stagesBefore({ ...plan, migrations: [evil, plan.migrations[1]!] })) events.emit(e);
  await settle();
  events.emit({ type: 'migration-start', vm: evil.vm, from: evil.from, to: evil.to, mode: evil.mode, attempt: 1, wave: 0 });
  events.emit({ type: 'warning', message: 'remote said \x1b]0;title\x07 and \r' });
  view.redraw();
  // FakeTty throws on an escape it does not expect (ESC [ 2 J here): reaching this line means none came through.
  const live = tty.lines().join('\n');
  assert.match(live, /vm\\x1b\[2Jevil\\nname/);
  events.emit({ type: 'migration-end', record: { ...record(evil, 'failed', 'boom \x1b[31mred\x1b[0m'), vm: evil.vm } });
  events.emit({ type: 'stage', stage: 'migrate', status: 'end' });
  await view.finish();
  const screen = tty.lines().join('\n');
  assert.match(screen, /failed: boom \\x1b\[31mred\\x1b\[0m/);
  assert.match(screen, /remote said \\x1b\]0;title\\x07 and \\r/);
});
