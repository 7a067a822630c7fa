// The ssh driver's migration state machine, its abort policy and its line protocol, without
// hosts: transitions by name, the answer to an abort in each state, and words or events cut
// anywhere between chunks read once, whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationRequest } from '../../src/drivers/driver.ts';
import { abortAnswer } from '../../src/drivers/ssh/abort-policy.ts';
import { LineSplitter } from '../../src/drivers/ssh/line-splitter.ts';
import { MigrationStateMachine, migrationStates, type MigrationEvent } from '../../src/drivers/ssh/migration-state.ts';
import { switchLoopWord, switchLoopWords, type SwitchLoopWord } from '../../src/drivers/ssh/postcopy-switch-words.ts';
import { startPostcopySwitcher } from '../../src/drivers/ssh/postcopy-switcher.ts';
import { startSourceEventMonitor } from '../../src/drivers/ssh/source-event-monitor.ts';
import { defaultSshMigrationSettings, migrationEnds, type SshMigrationContext } from '../../src/drivers/ssh/ssh-migration-context.ts';
import type { ExecOptions, ExecResult, SshPool } from '../../src/drivers/ssh/ssh-pool.ts';
import { virshPostcopySwitchLoop } from '../../src/drivers/ssh/virsh-argv.ts';
import type { InventoryHost } from '../../src/playbook/types.ts';
import { migrationRequest } from '../helpers/migration-request.ts';

function machineAfter(events: MigrationEvent[]): MigrationStateMachine {
  let now = 0;
  const m = new MigrationStateMachine(() => (now += 10));
  for (const e of events) m.fire(e);
  return m;
}

test('pre-copy: starting → pre-copy → ended, no switch', () => {
  const m = machineAfter(['migrate-started', 'migrate-ended']);
  assert.deepEqual(m.transitions.map((t) => `${t.from} -${t.event}-> ${t.to}`), ['starting -migrate-started-> pre-copy', 'pre-copy -migrate-ended-> ended']);
  assert.equal(m.switchAccepted, false);
  assert.equal(m.switchedAtMs, undefined);
  assert.equal(m.cancelledBeforeSwitch, false);
});

test('post-copy: requested, then switched; the switch time is when it was seen', () => {
  const m = machineAfter(['migrate-started', 'switch-requested', 'switched', 'switch-requested', 'migrate-ended']);
  assert.deepEqual(m.transitions.map((t) => t.to), ['pre-copy', 'switch-requested', 'post-copy', 'ended']);
  assert.equal(m.switchedAtMs, 30, 'the third event, at 30 ms');
  assert.equal(m.switchAccepted, true);
});

test('the lifecycle event may come before the loop says "requested": straight to post-copy', () => {
  const m = machineAfter(['migrate-started', 'switched', 'switch-requested']);
  assert.equal(m.state, 'post-copy');
  assert.deepEqual(m.transitions.map((t) => t.event), ['migrate-started', 'switched']);
});

test('abort before a switch: cancelling; cancelled when it ends that way', () => {
  const m = machineAfter(['migrate-started', 'cancel-sent']);
  assert.equal(m.state, 'cancelling');
  assert.equal(m.abortAnswered, true);
  m.fire('migrate-ended');
  assert.equal(m.cancelledBeforeSwitch, true);
});

test('a switch that got through just before the cancel: finishing-post-copy, not cancelled', () => {
  const m = machineAfter(['migrate-started', 'cancel-sent', 'switched', 'migrate-ended']);
  assert.deepEqual(m.transitions.map((t) => t.to), ['pre-copy', 'cancelling', 'finishing-post-copy', 'ended']);
  assert.equal(m.cancelledBeforeSwitch, false);
  assert.equal(m.switchAccepted, true);
});

test('a switch seen only after virsh migrate returned still counts (events trail the end)', () => {
  const m = machineAfter(['migrate-started', 'cancel-sent', 'migrate-ended', 'switched']);
  assert.equal(m.state, 'ended');
  assert.equal(m.switchAccepted, true);
  assert.equal(m.cancelledBeforeSwitch, false);
  assert.equal(m.switchedAtMs, 40);
});

test('abort after the switch: paused on request, else left to finish; answered once', () => {
  const paused = machineAfter(['migrate-started', 'switch-requested', 'pause-sent', 'abort-refused', 'cancel-sent']);
  assert.equal(paused.state, 'pausing-post-copy');
  const refused = machineAfter(['migrate-started', 'switched', 'abort-refused', 'pause-sent']);
  assert.equal(refused.state, 'finishing-post-copy');
  assert.ok(paused.abortAnswered && refused.abortAnswered);
});

test('a resume starts switched', () => {
  const m = machineAfter(['resume-started']);
  assert.equal(m.state, 'post-copy');
  assert.equal(m.switchedAtMs, 10);
  assert.equal(m.switchAccepted, true);
});

test('ended is final: no event leaves it', () => {
  const m = machineAfter(['migrate-started', 'migrate-ended']);
  for (const e of ['migrate-started', 'switch-requested', 'switched', 'cancel-sent', 'pause-sent', 'abort-refused'] as const) assert.equal(m.fire(e), 'ended');
});

test('abort policy: cancel before the switch, pause or let finish after it, nothing once answered', () => {
  const answers = Object.fromEntries(migrationStates.map((s) => [s, [abortAnswer(s, false), abortAnswer(s, true)]]));
  assert.deepEqual(answers, {
    starting: ['cancel', 'cancel'],
    'pre-copy': ['cancel', 'cancel'],
    'switch-requested': ['let-finish', 'pause-post-copy'],
    'post-copy': ['let-finish', 'pause-post-copy'],
    cancelling: ['none', 'none'],
    'pausing-post-copy': ['none', 'none'],
    'finishing-post-copy': ['none', 'none'],
    ended: ['none', 'none'],
  });
});

test('line splitter: lines cut anywhere come out whole, CRLF and a last line without newline included', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('requ'), []);
  assert.deepEqual(s.push('ested\nswi'), ['requested']);
  assert.deepEqual(s.push('tched\r'), []);
  assert.deepEqual(s.push('\n\ngave'), ['switched', '']);
  assert.deepEqual(s.end(), ['gave']);
  assert.deepEqual(s.end(), []);
});

test('switch loop words: a whole line only, not a word inside another line', () => {
  assert.equal(switchLoopWord('requested'), 'requested');
  assert.equal(switchLoopWord(' switched \r'), 'switched');
  assert.equal(switchLoopWord('error: migrate-postcopy not requested'), undefined);
  assert.equal(switchLoopWord('switch'), undefined);
});

/** The switch loop's script, run here by sh with a stand-in virsh: the words both sides agree on. */
function runSwitchLoop(virshScript: string, maxTries: number): SwitchLoopWord[] {
  const bin = mkdtempSync(join(tmpdir(), 'tsmig-switch-loop-'));
  writeFileSync(join(bin, 'virsh'), `#!/bin/sh\n${virshScript}\n`);
  chmodSync(join(bin, 'virsh'), 0o755);
  const [cmd, ...args] = virshPostcopySwitchLoop('qemu:///system', 'gsend', { retryMs: 10, afterFirstPass: false, maxTries, restoreMibPerS: 0 });
  let out: string;
  try {
    out = execFileSync(cmd!, args, { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  return out.split('\n').flatMap((l) => switchLoopWord(l) ?? []);
}

test('the switch loop prints the shared words: requested then switched, or gave-up', () => {
  const accepting = 'case "$3" in migrate-postcopy) exit 0 ;; domstate) echo "paused (post-copy)" ;; esac';
  assert.deepEqual(runSwitchLoop(accepting, 5), [switchLoopWords.requested, switchLoopWords.switched]);
  const refusing = 'case "$3" in migrate-postcopy) exit 1 ;; esac';
  assert.deepEqual(runSwitchLoop(refusing, 2), [switchLoopWords.gaveUp]);
});

/** A pool whose one exec streams the given chunks to onStdout, then ends. */
function chunkPool(chunks: string[]): SshPool {
  const host = (name: string): InventoryHost => ({ name, libvirtUri: 'qemu:///system', migrationAddress: name }) as InventoryHost;
  const exec = async (_name: string, _argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> => {
    options.onOpen?.();
    for (const c of chunks) {
      await new Promise((r) => setImmediate(r));
      options.onStdout?.(c);
    }
    return { exitCode: 0, stdout: chunks.join(''), stderr: '', aborted: false };
  };
  return { host, exec } as unknown as SshPool;
}

function context(pool: SshPool): SshMigrationContext {
  return {
    pool,
    clock: { nowMs: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    log: () => {},
    settings: defaultSshMigrationSettings,
  };
}

const request: MigrationRequest = migrationRequest('gsend', 'hostA', 'hostB', { mode: 'post-copy', maxDowntimeMs: 0 });

test('the switcher reads its words whole when the channel cuts them between chunks', async () => {
  const ctx = context(chunkPool(['requ', 'ested\nswitc', 'hed', '\n']));
  const words: SwitchLoopWord[] = [];
  const switcher = startPostcopySwitcher(ctx, migrationEnds(ctx, request, false), request, (w) => words.push(w));
  await switcher.stop();
  assert.deepEqual(words, ['requested', 'switched']);
});

test('the event monitor sees a switch event cut between chunks once, and keeps whole lines for the final stats', async () => {
  const line = "2026-11-25 05:38:41.467+0000: event 'lifecycle' for domain 'gsend': Suspended Post-copy\n";
  const other = "2026-11-25 05:38:41.500+0000: event 'lifecycle' for domain 'gsend': Suspended Post-copy (not this one)\n";
  const ctx = context(chunkPool([line.slice(0, 40), line.slice(40, 70), line.slice(70), other.slice(0, 20)]));
  let seen = 0;
  const monitor = await startSourceEventMonitor(ctx, migrationEnds(ctx, request, false), () => seen++, { waitForOpen: true });
  await monitor.stop();
  assert.equal(seen, 1);
  assert.equal(monitor.text(), `${line}${other.slice(0, 20)}\n`, 'the cut last line is kept once the stream ends');
});
