// A drain that cannot fit is refused before any search, naming the short hosts, the resource and
// where the playbook asks for it. (Without the capacity check, the first case searched for minutes.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planMigrations } from '../../src/planner/plan-migrations.ts';
import { PlanInfeasibleError } from '../../src/planner/plan-infeasible-error.ts';
import type { PlanInput } from '../../src/planner/types.ts';
import { bruteForcePlan } from '../support/brute-force.ts';

/** `vms` VMs on host src drained to any of `hosts` hosts, each with `freeMib` MiB and `freeVcpus` vCPUs free. */
function drain(vms: number, hosts: number, freeMib: number, freeVcpus = 64, vmMib = 4096): PlanInput {
  const names = [...Array(hosts).keys()].map((h) => `h${h}`);
  return {
    strategy: 'traffic-sensitive',
    objective: 'contention',
    hosts: [{ host: 'src', nicMbps: 10_000, backgroundTxMbps: 0, backgroundRxMbps: 0 }, ...names.map((host) => ({ host, nicMbps: 10_000, backgroundTxMbps: 100, backgroundRxMbps: 100, memoryMib: freeMib, vcpus: freeVcpus }))],
    vms: [...Array(vms).keys()].map((i) => ({ vm: `vm${i}`, host: 'src', txMbps: 100 + 37 * i, rxMbps: 400 - 13 * i, memoryMib: vmMib, vcpus: 2 })),
    moves: [...Array(vms).keys()].map((i) => ({ vm: `vm${i}`, from: 'src', to: names, postcopyAllowed: true, origin: 'drain.yml:12:5' })),
    limits: { maxParallel: 0, maxOutboundPerHost: 0, maxInboundPerHost: 0 },
    allowedModes: ['pre-copy', 'post-copy'],
  };
}

function refusal(input: PlanInput): PlanInfeasibleError {
  try {
    planMigrations(input);
  } catch (e) {
    if (e instanceof PlanInfeasibleError) return e;
    throw e;
  }
  assert.fail('the planner accepted a drain that cannot fit');
}

test('12 VMs onto any of 10 hosts that each hold one: refused (room for VMs), every host named, the migration located', { timeout: 20_000 }, () => {
  const input = drain(12, 10, 6144);
  const e = refusal(input);
  assert.match(e.message, /drain\.yml:12:5/);
  assert.match(e.message, /room for 12 VMs; together they fit 10 VMs; short by 2 VMs/);
  assert.deepEqual([...e.hosts].sort(), input.hosts.slice(1).map((h) => h.host).sort());
  assert.equal(e.exitCode, 4);
});

test('not enough memory in total: refused with the shortfall in MiB', { timeout: 20_000 }, () => {
  const e = refusal(drain(12, 10, 4096));
  assert.match(e.message, /49152 MiB of memory; they have 40960 MiB free; short by 8192 MiB/);
});

test('not enough vCPUs: refused with the shortfall in vCPUs', { timeout: 20_000 }, () => {
  const e = refusal(drain(12, 10, 1_000_000, 2));
  assert.match(e.message, /need 24 vCPUs; they have 20 vCPUs free/);
  assert.match(e.message, /short by 4 vCPUs/);
});

test('a VM that fits on no candidate alone is named', () => {
  const input = drain(3, 2, 6144);
  input.vms[1]!.memoryMib = 8192;
  assert.match(refusal(input).message, /VM vm1 needs 8192 MiB \/ 2 vCPUs and no candidate host has that much free/);
});

test('the cut names only the short hosts: VMs that may go only to two full hosts, others elsewhere', { timeout: 20_000 }, () => {
  // vm0..vm2 may go only to h0 or h1, which hold one VM each; h2 and h3 have room for everything.
  const input = drain(8, 4, 100_000);
  input.hosts.find((h) => h.host === 'h0')!.memoryMib = 4096;
  input.hosts.find((h) => h.host === 'h1')!.memoryMib = 4096;
  for (const m of input.moves.slice(0, 3)) m.to = ['h0', 'h1'];
  const e = refusal(input);
  assert.deepEqual([...e.hosts].sort(), ['h0', 'h1']);
  assert.match(e.message, /VMs vm0, vm1, vm2 can go only to h0 .*, h1 /);
});

test('the check refuses nothing that fits: it agrees with the brute force on tight random drains', () => {
  const outcomes = { fits: 0, cannot: 0 };
  for (let seed = 1; seed <= 30; seed++) {
    // Two candidate hosts: the brute force tries 4^n placements (three made it 6^n, most of this file's time).
    const vms = 5 + (seed % 3);
    const input = drain(vms, 2, 4096 * (1 + (seed % 3)), 64, 2048);
    input.vms.forEach((v, i) => (v.memoryMib = 1024 * (1 + ((seed * 7 + i * 3) % 4))));
    const oracle = bruteForcePlan(input);
    outcomes[oracle ? 'fits' : 'cannot']++;
    if (oracle) assert.doesNotThrow(() => planMigrations(input), `seed ${seed}`);
    else assert.throws(() => planMigrations(input), PlanInfeasibleError, `seed ${seed}`);
  }
  assert.ok(outcomes.fits >= 5 && outcomes.cannot >= 5, `both kinds of drain: ${JSON.stringify(outcomes)}`);
});
