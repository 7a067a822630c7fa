// tsmig in a real pseudo-terminal (script(1) from util-linux): the live view is what a person at
// a terminal gets, so signals and exit must behave there exactly as with plain lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeTty } from '../helpers/fake-tty.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const BIN = new URL('../../bin/tsmig.js', import.meta.url).pathname;
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const SKIP = hasScript ? false : 'needs script(1) (util-linux) for a pseudo-terminal';

/** `sources` hosts of 20 VMs each drained onto as many others: 20 × sources migrations. */
function drainPlaybook(sources: number): string {
  const hosts: string[] = [];
  for (let h = 0; h < 2 * sources; h++) {
    const vms = h < sources ? Array.from({ length: 20 }, (_, k) => `v${h}x${k}: { memory_mib: ${1024 * (1 + (k % 4))}, tx_mbps: ${(k * 37) % 300}, rx_mbps: ${(k * 53) % 300}, dirty_mib_per_s: ${k % 6} }`) : [];
    hosts.push(`    h${h}: { vms: { ${vms.join(', ')} } }`);
  }
  const migrations = Array.from({ length: sources }, (_, h) => `  - { from: h${h}, to: h${h + sources} }`);
  return `name: terminal\ninventory:\n  driver: sim\n  defaults: { nic_mbps: 10000 }\n  hosts:\n${hosts.join('\n')}\nsampling: { duration: 5s, interval: 1s }\nmigrations:\n${migrations.join('\n')}\nconstraints: { max_parallel: 16 }\n`;
}

interface TerminalRun {
  exitCode: number | null;
  output: string;
  /** Wall milliseconds from the first signal to the exit. */
  afterSignalMs?: number;
}

/**
 * Runs `tsmig run PLAYBOOK` on a pseudo-terminal of 100×40; `signals` are sent to tsmig itself
 * (not to script) once the migrate counters are on screen. Paths reach the shell line through
 * the environment, never spliced into it.
 */
function runInTerminal(playbook: string, signals: NodeJS.Signals[]): Promise<TerminalRun> {
  const { CI: _ci, ...env } = process.env;
  const child = spawn('script', ['-qefc', 'stty cols 100 rows 40; echo "PID=$$"; exec node "$TSMIG_BIN" run "$TSMIG_PLAYBOOK" --journal "$TSMIG_JOURNAL"', '/dev/null'], {
    env: { ...env, SHELL: '/bin/sh', TERM: 'xterm-256color', TSMIG_BIN: BIN, TSMIG_PLAYBOOK: playbook, TSMIG_JOURNAL: join(tempDir, `journal-${Date.now()}.jsonl`) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  let signalledAtMs: number | undefined;
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const pid = Number(/PID=(\d+)/.exec(output)?.[1]);
    if (signalledAtMs === undefined && signals.length > 0 && pid > 0 && /done \d+\//.test(output)) {
      signalledAtMs = performance.now();
      for (const s of signals) process.kill(pid, s);
    }
  });
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ exitCode: code, output, afterSignalMs: signalledAtMs === undefined ? undefined : performance.now() - signalledAtMs });
    });
  });
}

function screenOf(output: string): string {
  // The recap on stdout may be wider than the terminal: only the view must not wrap.
  const tty = new FakeTty(100, 40, false);
  tty.write(output.replace(/^PID=\d+\r?\n/m, ''));
  return tty.lines().join('\n');
}

test('on a terminal, tsmig run shows the live view, folds finished migrations away and exits 0', { skip: SKIP }, async () => {
  const run = await runInTerminal(writeTemp(drainPlaybook(3)), []);
  assert.equal(run.exitCode, 0, run.output.slice(-2000));
  const screen = screenOf(run.output);
  assert.match(screen, /done 60\/60 {2}failed 0 {2}retrying 0 {2}running 0/);
  assert.match(screen, /PLAY RECAP/);
  const view = screen.split('PLAY RECAP')[0]!;
  assert.match(view, /✔ Migrate\n {2}› done 60\/60/, 'the counters stay under the Migrate task');
  assert.match(view, /✔ Verify placement/);
  assert.doesNotMatch(view, /^ {4}v\d+x\d+ {2}h\d+ -> h\d+ /m, 'no running row left on screen');
});

// 500 migrations: the signal goes out when the first counters reach the screen, and the migrate
// stage must still be running when it lands. With 100, a loaded machine (the whole suite on 2
// cores) let the simulator finish before the test read the screen: exit 130, the run done.
const SIGNALLED_SOURCES = 25;

// One signal each: a second one sent while the sim finishes its wave may land after tsmig let go
// of its handlers (the default action then kills it), which would make the exit code a race.
test('on a terminal, Ctrl-C (SIGINT) ends the run as in plain mode: exit 99, at once', { skip: SKIP }, async () => {
  const run = await runInTerminal(writeTemp(drainPlaybook(SIGNALLED_SOURCES)), ['SIGINT']);
  assert.equal(run.exitCode, 99, run.output.slice(-2000));
  assert.ok(run.afterSignalMs !== undefined && run.afterSignalMs < 30_000, `exited ${run.afterSignalMs} ms after the signal`);
  const screen = screenOf(run.output);
  assert.match(screen, /^SIGINT: starting no new migrations/m, 'the message stands below the last frame, on its own line');
  assert.match(screen, /✔ Migrate\n/, 'the running migrations finished: the stage ended');
  assert.match(screen, new RegExp(`done \\d+/${20 * SIGNALLED_SOURCES} .*running 0`), 'the last frame: nothing running');
  assert.doesNotMatch(screen, /⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏/, 'no spinner left: every stage ended');
});

test('on a terminal, SIGTERM ends the run as in plain mode: exit 99', { skip: SKIP }, async () => {
  const run = await runInTerminal(writeTemp(drainPlaybook(SIGNALLED_SOURCES)), ['SIGTERM']);
  assert.equal(run.exitCode, 99, run.output.slice(-2000));
  assert.ok(run.afterSignalMs !== undefined && run.afterSignalMs < 30_000, `exited ${run.afterSignalMs} ms after the signal`);
  assert.match(screenOf(run.output), /^SIGTERM: starting no new migrations/m);
});
