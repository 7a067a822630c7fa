// Discovery waits for a VM found on two hosts (a migration in flight, e.g. one left running by
// a killed tsmig) to settle before planning, and says what to do when it does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Driver, MigrationRequest, VmInfo } from '../../src/drivers/driver.ts';
import { PlaybookError } from '../../src/errors.ts';
import { EngineEvents, type EngineEvent } from '../../src/executor/engine-events.ts';
import { discoverMoves } from '../../src/executor/run-workflow.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const playbook = loadPlaybook(
  writeTemp(`name: settle
inventory:
  driver: sim
  hosts:
    hostA: { nic_mbps: 1000, vms: { gsend: { memory_mib: 192 }, grecv: { memory_mib: 256 } } }
    hostB: { nic_mbps: 1000 }
migrations: [{ from: hostA, to: hostB, vms: [gsend, grecv] }]
constraints: { timeout: 30s }
`),
);

const vm = (name: string, state: VmInfo['state']): VmInfo => ({ name, memoryMib: 192, vcpus: 1, state });

/** A driver whose hosts answer from a script of listings, one per discovery poll; virtual time. */
function scriptedDriver(script: Array<Record<string, VmInfo[]>>): Driver & { lists: number } {
  let now = 0;
  let poll = 0;
  const d = {
    kind: 'sim' as const,
    lists: 0,
    clock: { nowMs: () => now, sleep: async (ms: number) => void (now += ms) },
    connect: async () => {},
    listVms: async (host: string) => {
      d.lists++;
      const listing = script[Math.min(poll, script.length - 1)]!;
      if (host === 'hostB') poll++;
      return listing[host] ?? [];
    },
    sampleCounters: async () => [],
    migrate: async () => assert.fail('discovery migrates nothing'),
    postcopyResumeHint: (r: MigrationRequest) => `run on ${r.from}: resume ${r.vm} to ${r.to} at ${r.bandwidthMbps} Mbps`,
    close: async () => {},
  };
  return d;
}

function collect(events: EngineEvents): EngineEvent[] {
  const seen: EngineEvent[] = [];
  events.subscribe((e) => seen.push(e));
  return seen;
}

test('a VM on two hosts at once: discovery waits for the migration in flight, then plans what is left', async () => {
  const inFlight = { hostA: [vm('gsend', 'running'), vm('grecv', 'running')], hostB: [vm('grecv', 'paused')] };
  const settled = { hostA: [vm('gsend', 'running')], hostB: [vm('grecv', 'running')] };
  const driver = scriptedDriver([inFlight, inFlight, settled]);
  const events = new EngineEvents();
  const seen = collect(events);
  const { resolved } = await discoverMoves(playbook, driver, events);
  assert.deepEqual(resolved.moves.map((m) => m.vm), ['gsend']);
  assert.deepEqual(resolved.alreadyInPlace.map((a) => a.vm), ['grecv']);
  const warnings = seen.filter((e) => e.type === 'warning');
  assert.equal(warnings.length, 1, 'one warning, not one per poll');
  assert.match((warnings[0] as { message: string }).message, /grecv \(hostA: running, hostB: paused\); waiting up to 30s/);
  assert.equal(driver.clock.nowMs(), 4000, 'two polls of 2 s');
});

test('a post-copy left paused does not settle: after the wait, the error names both hosts and the resume command', async () => {
  const split = { hostA: [vm('gsend', 'paused'), vm('grecv', 'running')], hostB: [vm('gsend', 'running')] };
  const driver = scriptedDriver([split]);
  await assert.rejects(discoverMoves(playbook, driver, new EngineEvents()), (e: unknown) => {
    assert.ok(e instanceof PlaybookError);
    assert.match(
      e.message,
      // The driver's hint, for a post-copy under the playbook's constraints: the executor knows no command.
      /VM gsend is paused on hostA and running on hostB: a post-copy migration that did not finish .*to resume it, run on hostA: resume gsend to hostB at \d+ Mbps$/,
    );
    return true;
  });
  assert.ok(driver.clock.nowMs() >= 28_000 && driver.clock.nowMs() <= 30_000, `waited the migration timeout: ${driver.clock.nowMs()} ms`);
});

test('an interrupt during the wait stops it at once', async () => {
  const split = { hostA: [vm('gsend', 'running'), vm('grecv', 'running')], hostB: [vm('gsend', 'paused')] };
  const driver = scriptedDriver([split]);
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(discoverMoves(playbook, driver, new EngineEvents(), undefined, stop.signal), PlaybookError);
  assert.equal(driver.clock.nowMs(), 0);
});
