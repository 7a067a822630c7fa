import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../src/errors.ts';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { PlanInfeasibleError } from '../../src/planner/plan-infeasible-error.ts';
import { randomPlanInput } from '../support/random-instances.ts';
import type { Plan, PlanInput } from '../../src/planner/types.ts';
import { seedExample } from './planner-seed-example.ts';

function assertCapacityRespected(input: PlanInput, plan: Plan): void {
  for (const h of input.hosts) {
    // Every VM there now still occupies it while migrations run, plus every arrival.
    const there = input.vms.filter((v) => v.host === h.host);
    const arriving = plan.migrations.filter((m) => m.to === h.host).map((m) => input.vms.find((v) => v.vm === m.vm)!);
    const mib = [...there, ...arriving].reduce((s, v) => s + v.memoryMib, 0);
    const vcpus = [...there, ...arriving].reduce((s, v) => s + (v.vcpus ?? 0), 0);
    if (h.memoryMib !== undefined) assert.ok(mib <= h.memoryMib, `${h.host}: ${mib} MiB > ${h.memoryMib}`);
    if (h.vcpus !== undefined) assert.ok(vcpus <= h.vcpus, `${h.host}: ${vcpus} vCPUs > ${h.vcpus}`);
  }
}

test('destination capacity (memory and vCPUs) is never exceeded', () => {
  let planned = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const input = randomPlanInput(seed, { vms: 10, sources: 2, destinations: 4, candidates: 3, capacitySlack: 1.2, residents: 4 });
    for (const h of input.hosts) if (seed % 2 === 0) h.vcpus = input.vms.filter((v) => v.host === h.host).reduce((s, v) => s + (v.vcpus ?? 0), 0) + 10;
    try {
      assertCapacityRespected(input, planMigrations(input));
      planned++;
    } catch (e) {
      if (!(e instanceof PlanInfeasibleError)) throw e;
    }
  }
  assert.ok(planned >= 30, `planned ${planned} of 60`);
});

test('capacity steers destinations: the full host gets nothing, the other everything', () => {
  const input = seedExample();
  input.hosts.push({ host: 'c', nicMbps: 1000, backgroundTxMbps: 0, backgroundRxMbps: 0, memoryMib: 4096 });
  input.hosts[1]!.memoryMib = 20_000;
  input.moves.forEach((m) => (m.to = ['c', 'b']));
  const plan = planMigrations(input);
  assert.deepEqual(plan.migrations.map((m) => m.to), ['b', 'b']);
  assert.match(plan.migrations[0]!.reason, /to b \(of 2; runner-up c\b/);
});

test('not enough capacity is refused, naming the hosts and the shortfall', () => {
  const input = seedExample();
  input.hosts[1]!.memoryMib = 8192;
  const fixed = (() => {
    try {
      planMigrations(input);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(fixed instanceof PlanInfeasibleError);
  assert.equal(fixed.exitCode, ExitCode.invalidInputOrUnreachable);
  assert.match(fixed.message, /b is short of 2048 MiB memory for VM1, VM2/);
  assert.deepEqual(fixed.hosts, ['b']);

  input.hosts.push({ host: 'c', nicMbps: 1000, backgroundTxMbps: 0, backgroundRxMbps: 0, memoryMib: 1024 });
  input.moves.forEach((m) => (m.to = ['b', 'c']));
  assert.throws(() => planMigrations(input), (e: unknown) => {
    assert.ok(e instanceof PlanInfeasibleError);
    // c cannot take either VM even alone: only b is short.
    assert.match(e.message, /VMs VM1, VM2 can go only to b 8192 MiB \(short: b\), which need 10240 MiB of memory; they have 8192 MiB free; short by 2048 MiB/);
    assert.deepEqual(e.hosts, ['b']);
    return true;
  });
});

test('no wave exceeds max_parallel, outbound or inbound per host', () => {
  for (let seed = 1; seed <= 30; seed++) {
    // 24 VMs: several waves under every limit below; bigger groups only lengthen the exact solve.
    const input = randomPlanInput(seed, { vms: 24, sources: 4, destinations: 3, pairs: seed % 2 === 0, candidates: seed % 2 === 0 ? 1 : 2, residents: 3 });
    input.moves.slice(10).forEach((m) => (m.to = m.to.slice(0, 1)));
    input.limits = { maxParallel: 1 + (seed % 7), maxOutboundPerHost: 1 + (seed % 3), maxInboundPerHost: seed % 4 === 0 ? 0 : 1 + (seed % 5) };
    const plan = planMigrations(input);
    const waves = new Set(plan.migrations.map((m) => m.wave));
    assert.equal(waves.size, plan.waves, 'waves are numbered 0..waves-1 without gaps');
    for (let w = 0; w < plan.waves; w++) {
      const inWave = plan.migrations.filter((m) => m.wave === w);
      assert.ok(inWave.length <= input.limits.maxParallel, `wave ${w}: ${inWave.length} > max_parallel`);
      for (const h of input.hosts) {
        assert.ok(inWave.filter((m) => m.from === h.host).length <= input.limits.maxOutboundPerHost, `wave ${w}: outbound ${h.host}`);
        if (input.limits.maxInboundPerHost > 0) assert.ok(inWave.filter((m) => m.to === h.host).length <= input.limits.maxInboundPerHost, `wave ${w}: inbound ${h.host}`);
      }
    }
    assert.equal(plan.waveSummaries!.length, plan.waves);
  }
});

test('limits 0 and Infinity mean unlimited: one wave', () => {
  const input = randomPlanInput(3, { vms: 30, sources: 3, destinations: 3, pairs: true });
  input.limits = { maxParallel: 0, maxOutboundPerHost: Infinity, maxInboundPerHost: 0 };
  assert.equal(planMigrations(input).waves, 1);
});

test('waves put the migrations that free the most traffic first and reach the lower bound on waves', () => {
  const input = randomPlanInput(5, { vms: 12, sources: 1, destinations: 1 });
  input.limits = { maxParallel: 0, maxOutboundPerHost: 4, maxInboundPerHost: 0 };
  const plan = planMigrations(input);
  assert.equal(plan.waves, 3);
  const freed = (w: number) => plan.migrations.filter((m) => m.wave === w).map((m) => m.txMbps + m.rxMbps);
  assert.ok(Math.min(...freed(0)) >= Math.max(...freed(1)));
  assert.ok(Math.min(...freed(1)) >= Math.max(...freed(2)));
});

test('pins and post-copy deny are honoured whatever the traffic says', () => {
  const input = seedExample();
  input.moves[0]!.pinnedMode = 'pre-copy';
  input.moves[1]!.postcopyAllowed = false;
  const plan = planMigrations(input);
  assert.deepEqual(plan.migrations.map((m) => m.mode), ['pre-copy', 'pre-copy']);
  assert.equal(plan.migrations[0]!.reason, 'pinned by playbook');
  assert.equal(plan.migrations[1]!.reason, 'post-copy denied for this VM');
});

test('baseline strategies: every VM that mode, except where pins or deny say otherwise', () => {
  const input = seedExample();
  input.strategy = 'post-copy';
  input.moves[1]!.postcopyAllowed = false;
  const plan = planMigrations(input);
  assert.deepEqual(plan.migrations.map((m) => [m.mode, m.reason]), [
    ['post-copy', 'strategy post-copy'],
    ['pre-copy', 'post-copy denied for this VM (strategy post-copy)'],
  ]);
  input.strategy = 'pre-copy';
  input.moves[0]!.pinnedMode = 'post-copy';
  assert.deepEqual(planMigrations(input).migrations.map((m) => [m.mode, m.reason]), [
    ['post-copy', 'pinned by playbook'],
    ['pre-copy', 'strategy pre-copy'],
  ]);
});

test('a pin that contradicts post-copy deny or constraints.modes is refused, naming the VM', () => {
  const input = seedExample();
  input.moves[0]!.pinnedMode = 'post-copy';
  input.moves[0]!.postcopyAllowed = false;
  assert.throws(() => planMigrations(input), /VM VM1: pinned to post-copy but post-copy is denied for it/);
  input.moves[0]!.postcopyAllowed = true;
  input.allowedModes = ['pre-copy'];
  assert.throws(() => planMigrations(input), /VM VM1: pinned to post-copy but constraints.modes allows only pre-copy/);
});

test('reasons name the traffic, the host and what the other mode would do', () => {
  const plan = planMigrations(seedExample());
  assert.equal(plan.migrations[0]!.reason, "post-copy: sends 200 Mbps, receives 400 Mbps; pre-copy would add 200 Mbps to a's outbound contention (500 Mbps, above the plan's 400 Mbps)");
  assert.equal(plan.migrations[1]!.reason, "pre-copy: sends 300 Mbps, receives 500 Mbps; post-copy would add 500 Mbps to b's inbound contention (900 Mbps, above the plan's 400 Mbps)");
});

test('bad input is refused with the VM and host named', () => {
  const input = seedExample();
  input.moves[0]!.from = 'b';
  assert.throws(() => planMigrations(input), /VM VM1 runs on a, not on b/);
  const unknown = seedExample();
  unknown.moves[0]!.to = ['nowhere'];
  assert.throws(() => planMigrations(unknown), /VM VM1: unknown host nowhere/);
});

test('deterministic: the same input gives the same plan', () => {
  const input = randomPlanInput(11, { vms: 14, sources: 3, destinations: 3, candidates: 2, capacitySlack: 1.5 });
  assert.deepEqual(planMigrations(input), planMigrations(structuredClone(input)));
});

test('unmeasurable rates (NaN, negative) are refused, naming the VM or host', () => {
  const input = seedExample();
  input.vms[1]!.txMbps = Number.NaN;
  assert.throws(() => planMigrations(input), /VM VM2: txMbps must be a finite number ≥ 0 \(got NaN\)/);
  const host = seedExample();
  host.hosts[0]!.backgroundRxMbps = -5;
  assert.throws(() => planMigrations(host), /host a: backgroundRxMbps must be a finite number ≥ 0 \(got -5\)/);
});
