// Progress of a running migration over SSH: a domjobinfo poll on the source (captured on the lab),
// and between polls virsh migrate's own --verbose percentages, which need no further virsh call.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { MigrationProgress } from '../../src/drivers/driver.ts';
import { ProgressPoller } from '../../src/drivers/ssh/progress-poller.ts';
import { defaultSshMigrationSettings, type MigrationEnds, type SshMigrationContext } from '../../src/drivers/ssh/ssh-migration-context.ts';
import type { SshPool } from '../../src/drivers/ssh/ssh-pool.ts';
import { migrationRequest } from '../helpers/migration-request.ts';

const duringPrecopy = readFileSync(new URL('../fixtures/virsh/domjobinfo-rawstats-during-precopy.txt', import.meta.url), 'utf8');
const totalBytes = 269230080;
const remainingBytes = 150581248;

const request = migrationRequest('grecv', 'hostA', 'hostB');

function poller(): { poller: ProgressPoller; seen: MigrationProgress[]; argvs: string[][] } {
  const seen: MigrationProgress[] = [];
  const argvs: string[][] = [];
  const pool = {
    exec: async (_host: string, argv: readonly string[]) => {
      argvs.push([...argv]);
      return { exitCode: 0, stdout: argv.includes('domjobinfo') ? duringPrecopy : '', stderr: '', aborted: false };
    },
  } as unknown as SshPool;
  const ctx: SshMigrationContext = { pool, clock: { nowMs: () => 0, sleep: async () => {} }, log: () => {}, settings: defaultSshMigrationSettings };
  const ends = { vm: 'grecv', source: { name: 'hostA' }, sourceUri: 'qemu:///system', tag: 'grecv' } as unknown as MigrationEnds;
  return { poller: new ProgressPoller(ctx, ends, request, (p) => seen.push(p)), seen, argvs };
}

test('a poll reads the job from domjobinfo and sets the max downtime once', async () => {
  const { poller: p, seen, argvs } = poller();
  assert.equal(await p.poll(new Promise(() => {}), () => false), 'polled');
  assert.equal(await p.poll(new Promise(() => {}), () => false), 'polled');
  assert.deepEqual(
    seen.map((s) => [s.phase, s.memoryTotalBytes, s.memoryRemainingBytes, s.iteration]),
    [
      ['pre-copy', totalBytes, remainingBytes, 1],
      ['pre-copy', totalBytes, remainingBytes, 1],
    ],
  );
  assert.equal(argvs.filter((a) => a.includes('migrate-setmaxdowntime')).length, 1);
});

test("virsh migrate's percentages move the remaining memory between polls, with no virsh call", async () => {
  const { poller: p, seen, argvs } = poller();
  p.percent(10, false); // before the first poll: no total to scale
  assert.equal(seen.length, 0);
  await p.poll(new Promise(() => {}), () => false);
  const calls = argvs.length;
  p.percent(60, false);
  p.percent(60, false); // the same figure again is not news
  p.percent(75, true);
  assert.equal(argvs.length, calls);
  assert.deepEqual(
    seen.slice(1).map((s) => [s.phase, s.memoryRemainingBytes, s.memoryTotalBytes]),
    [
      ['pre-copy', Math.round(totalBytes * 0.4), totalBytes],
      ['post-copy', Math.round(totalBytes * 0.25), totalBytes],
    ],
  );
});
