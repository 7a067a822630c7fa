// What people read: counts with the right plural, durations as people say them, and plan
// reasons that stay one short line even with `to: any` over dozens of hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import type { PlanInput } from '../../src/planner/types.ts';
import { renderPlanText } from '../../src/report/plan-text.ts';
import { formatDurationMs, formatDurationS } from '../../src/util/duration.ts';
import { plural } from '../../src/util/plural.ts';

test('plural: 1 wave, 2 waves, 0 VMs', () => {
  assert.equal(plural(1, 'wave'), '1 wave');
  assert.equal(plural(2, 'wave'), '2 waves');
  assert.equal(plural(0, 'VM'), '0 VMs');
  assert.equal(plural(1, 'VM'), '1 VM');
});

test('durations: 28125 ms reads 28.1 s; short ones stay in ms; long ones in min and h', () => {
  assert.equal(formatDurationMs(28_125), '28.1 s');
  assert.equal(formatDurationMs(300), '300 ms');
  assert.equal(formatDurationS(107.4), '107 s');
  assert.equal(formatDurationS(1812), '30.2 min');
  assert.equal(formatDurationS(14_400), '4.0 h');
});

function drainToAny(destinations: number): PlanInput {
  const hosts = ['src', ...Array.from({ length: destinations }, (_, i) => `rack-${String(i + 1).padStart(2, '0')}`)];
  return {
    strategy: 'traffic-sensitive',
    objective: 'contention',
    hosts: hosts.map((host, i) => ({ host, nicMbps: 10_000, backgroundTxMbps: 10 + i, backgroundRxMbps: 20 + ((i * 7) % 13) })),
    vms: [
      { vm: 'web-1', host: 'src', txMbps: 500, rxMbps: 20, memoryMib: 1024 },
      { vm: 'ingest-1', host: 'src', txMbps: 15, rxMbps: 400, memoryMib: 1024 },
    ],
    moves: ['web-1', 'ingest-1'].map((vm) => ({ vm, from: 'src', to: hosts.slice(1), postcopyAllowed: true })),
    limits: { maxParallel: 0, maxOutboundPerHost: 0, maxInboundPerHost: 0 },
    allowedModes: ['pre-copy', 'post-copy'],
  };
}

test('to: any over 48 hosts: each reason names the destination and one runner-up, not all 48', () => {
  const plan = planMigrations(drainToAny(48));
  for (const m of plan.migrations) {
    assert.ok(m.reason.length < 220, `${m.vm}: ${m.reason.length} characters: ${m.reason}`);
    assert.match(m.reason, new RegExp(`to ${m.to} \\(of 48; runner-up rack-\\d\\d`));
    assert.equal(new Set(m.reason.match(/rack-\d\d/g)).size, 2, m.reason);
  }
  const text = renderPlanText(plan);
  assert.match(text, /PLAN \[traffic-sensitive\] 2 migrations in 1 wave;/);
  assert.match(renderPlanText({ ...plan, migrations: plan.migrations.slice(0, 1) }), /1 migration in 1 wave;/);
});
