// Issue 14, case 3 and part of 5: every file tsmig reads is opened as a regular file and read
// with a byte limit enforced while reading; a FIFO, a device, a directory or a missing file is
// refused at once with exit 4 and what was wrong (never a hang, never exit 1 with a raw errno).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputFileError, readRegularFile } from '../../src/util/read-regular-file.ts';
import { hostKeyCheck } from '../../src/drivers/ssh/host-key-check.ts';
import { SshPool } from '../../src/drivers/ssh/ssh-pool.ts';
import type { InventoryHost } from '../../src/playbook/types.ts';
import { ExitCode, TsmigError } from '../../src/errors.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const DEMO = new URL('../../playbooks/demo-sim.yml', import.meta.url).pathname;

function fifo(name: string): string {
  const path = join(tempDir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function sshHost(over: Partial<InventoryHost>): InventoryHost {
  return {
    name: 'hostK', nicMbps: 1000, address: '127.0.0.1', port: 1, user: 'root', hostKeyChecking: true, libvirtUri: 'qemu:///system',
    migrationAddress: 'hostK', connectTimeoutMs: 1000, background: { txMbps: 0, rxMbps: 0 }, simVms: [], ...over,
  };
}

test('readRegularFile: the byte limit holds while reading, whatever stat says', () => {
  const file = writeTemp('x'.repeat(100), 'hundred-bytes.txt');
  assert.equal(readRegularFile(file, 'thing', 100).length, 100);
  assert.throws(() => readRegularFile(file, 'thing', 99), (e: unknown) => e instanceof InputFileError && /larger than 99 bytes/.test(e.message));
  // /proc files say 0 bytes in stat and still have content: the limit is on what is read.
  assert.throws(() => readRegularFile('/proc/self/maps', 'thing', 10), /larger than 10 bytes/);
});

test('readRegularFile: a FIFO, a device, a directory are refused at once, naming what they are', () => {
  const pipe = fifo('refused.fifo');
  const started = Date.now();
  assert.throws(() => readRegularFile(pipe, 'playbook', 1024), /the playbook is a FIFO \(named pipe\), not a regular file/);
  assert.throws(() => readRegularFile('/dev/zero', 'playbook', 1024), /the playbook is a device, not a regular file/);
  assert.throws(() => readRegularFile(tempDir, 'inventory', 1024), /the inventory is a directory, not a regular file/);
  assert.throws(() => readRegularFile('/nonexistent/x.yml', 'playbook', 1024), /no such playbook \(check the path\)/);
  assert.ok(Date.now() - started < 2000, 'refused at once');
});

test('CLI: a FIFO, a device or a directory as playbook, inventory, journal, report or saved plan → exit 4 at once, saying what is wrong', async () => {
  const dir = join(tempDir, 'a-directory');
  mkdirSync(dir, { recursive: true });
  const pipe = fifo('cli.fifo');
  // Few processes: each CLI start costs a second or more on a busy machine; the rest is checked in-process above.
  const cases: Array<[string[], RegExp]> = [
    [['validate', pipe], /is a FIFO \(named pipe\), not a regular file/],
    [['validate', DEMO, '-i', dir], /the inventory is a directory, not a regular file/],
    [['run', DEMO, '--resume', pipe], /the journal is a FIFO/],
    [['report', dir], /the run report is a directory/],
    [['plan', DEMO, '--compare', '/dev/zero'], /the saved plan is a device/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((r, i) => {
    const [args, message] = cases[i]!;
    assert.equal(r.exitCode, ExitCode.invalidInputOrUnreachable, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /EISDIR|ENOENT|run with -v/, `${args.join(' ')}: no raw errno`);
  });
});

test('known_hosts that is a FIFO: no hang; the refusal says why the file was not read', () => {
  const check = hostKeyCheck(sshHost({ knownHostsFile: fifo('known_hosts.fifo') }));
  assert.equal(check.verify(Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', 'base64')), false);
  assert.match(check.refusal()?.message ?? '', /could not be read: the known_hosts file is a FIFO/);
});

test('a malformed or unreadable identity_file: exit 4, naming the host and the file', async () => {
  const garbage = writeTemp('-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n', 'bad_key');
  for (const [identityFile, message] of [
    [garbage, /^host hostK: identity file .*bad_key is not a private key tsmig can use/],
    ['/dev/zero', /^host hostK: \/dev\/zero: the identity file is a device/],
    ['/nonexistent/key', /^host hostK: \/nonexistent\/key: no such identity file/],
  ] as const) {
    const pool = new SshPool([sshHost({ identityFile })]);
    const error = await pool.connect('hostK').then(() => undefined, (e: unknown) => e);
    await pool.close();
    assert.ok(error instanceof TsmigError, String(error));
    assert.equal(error.exitCode, ExitCode.invalidInputOrUnreachable);
    assert.match(error.message, message);
  }
});

test('playbook larger than the limit is refused before parsing (stat is not trusted, the read is bounded)', async () => {
  const big = writeTemp(`name: x\n# ${'y'.repeat(1024 * 1024)}\n`, 'big.yml');
  const r = await runCli(['validate', big]);
  assert.equal(r.exitCode, 4);
  assert.match(r.stderr, /the playbook is larger than 1 MiB/);
});

test('loadPlaybook: /dev/zero and a directory as playbook or inventory are InputFileErrors (exit 4)', async () => {
  const { loadPlaybook } = await import('../../src/playbook/load-playbook.ts');
  for (const [file, inventoryFile, message] of [
    ['/dev/zero', undefined, /the playbook is a device/],
    [tempDir, undefined, /the playbook is a directory/],
    [DEMO, '/dev/zero', /the inventory is a device/],
    [DEMO, tempDir, /the inventory is a directory/],
  ] as const) {
    assert.throws(() => loadPlaybook(file, { inventoryFile }), (e: unknown) => e instanceof InputFileError && e.exitCode === 4 && message.test(e.message));
  }
});
