// Through the CLI on the real lab: the destination's libvirtd dies as the migration starts,
// the attempt fails with the VM still on the source, libvirtd comes back during the retry
// delay, and the retry moves the VM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { guestsHomeOnA, lab, labInventory, labPlaybook, recordMeasurement, runningOn, tsmig } from './lab-helpers.ts';

before(guestsHomeOnA);
after(async () => {
  await lab('start-libvirtd', 'hostB').catch(() => undefined);
  await guestsHomeOnA();
});

test('retry after the destination libvirtd was stopped, started again during the retry delay', { timeout: 180_000 }, async (t) => {
  let stopping: Promise<unknown> | undefined;
  let starting: Promise<unknown> | undefined;
  const r = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory, '--strategy', 'pre-copy', '--limit', 'gsend'], { signal: t.signal, onStderr: (line) => {
    if (!stopping && /TASK \[migrate\]/.test(line)) stopping = lab('stop-libvirtd', 'hostB');
    if (!starting && /gsend: attempt 1 failed/.test(line)) starting = stopping!.then(() => lab('start-libvirtd', 'hostB'));
  } });
  await starting;
  assert.ok(stopping, 'the run reached the migrate task');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stderr, /gsend: attempt 1 failed: .*retrying in 5\.0 s/);
  const gsend = r.json.migrations?.find((m) => m.vm === 'gsend');
  assert.equal(gsend?.status, 'changed');
  assert.equal(gsend?.retries, 1);
  assert.deepEqual(await runningOn('hostB'), ['gsend']);
  assert.deepEqual(await runningOn('hostA'), ['grecv']);
  recordMeasurement('retry after destination libvirtd restart', { gsendTotalS: gsend?.duration_s, runWallS: r.wallMs / 1000 });
});
