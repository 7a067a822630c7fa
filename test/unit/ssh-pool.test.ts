// The pooled ssh2 connection against a real SSH server in-process on 127.0.0.1: host keys
// checked against known_hosts, unreachable hosts named, channels concurrent on one connection,
// argv delivered intact.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { HostKeyError, HostUnreachableError, TsmigError } from '../../src/errors.ts';
import type { InventoryHost } from '../../src/playbook/types.ts';
import { SshPool, RemoteCommandError } from '../../src/drivers/ssh/ssh-pool.ts';
import { generateHostKey, startTestSshServer, writeClientKey, writeKnownHosts } from './ssh-test-server.ts';

const identityFile = writeClientKey();
const server = await startTestSshServer();
after(() => server.close());

function inventoryHost(over: Partial<InventoryHost> = {}): InventoryHost {
  return {
    name: 'hostT',
    nicMbps: 1000,
    address: '127.0.0.1',
    port: server.port,
    user: 'root',
    identityFile,
    knownHostsFile: writeKnownHosts([`[127.0.0.1]:${server.port} ${server.publicKey}`]),
    hostKeyChecking: true,
    libvirtUri: 'qemu:///system',
    migrationAddress: 'hostT',
    connectTimeoutMs: 3000,
    background: { txMbps: 0, rxMbps: 0 },
    simVms: [],
    ...over,
  };
}

async function connectError(host: InventoryHost): Promise<Error> {
  const pool = new SshPool([host]);
  try {
    await pool.connect(host.name);
  } catch (error) {
    return error as Error;
  } finally {
    await pool.close();
  }
  assert.fail('connect should have failed');
}

test('a host whose key is in known_hosts is accepted and runs commands', async () => {
  const lines: string[] = [];
  const pool = new SshPool([inventoryHost()], (l) => lines.push(l));
  await pool.connect('hostT');
  assert.equal(await pool.run('hostT', ['echo', 'hello']), 'hello\n');
  await pool.close();
  assert.ok(lines.some((l) => l.includes('connected to root@127.0.0.1')));
  assert.ok(!lines.some((l) => l.includes(identityFile)), 'the identity file is not logged');
});

test('hashed known_hosts entries work too', async () => {
  const { createHmac, randomBytes } = await import('node:crypto');
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${server.port}`).digest('base64');
  const pool = new SshPool([inventoryHost({ knownHostsFile: writeKnownHosts([`|1|${salt.toString('base64')}|${hash} ${server.publicKey}`]) })]);
  assert.equal(await pool.run('hostT', ['echo', 'ok']), 'ok\n');
  await pool.close();
});

test('an unknown host key is refused with what to do', async () => {
  const error = await connectError(inventoryHost({ knownHostsFile: writeKnownHosts([`10.9.9.9 ${server.publicKey}`]) }));
  assert.ok(error instanceof HostKeyError, String(error));
  assert.equal(error.exitCode, 4);
  assert.equal(error.host, 'hostT');
  assert.match(error.message, /host hostT: host key ssh-ed25519 SHA256:\S+ of \[127\.0\.0\.1\]:\d+ is not in /);
  assert.match(error.message, /ssh-keyscan -p \d+ 127\.0\.0\.1 >> /);
  assert.match(error.message, /hostKeyChecking: false/);
});

test('a changed host key is refused, naming the known_hosts line and how to fix it', async () => {
  const old = generateHostKey();
  const file = writeKnownHosts([`# lab`, `[127.0.0.1]:${server.port} ${old.public}`]);
  const error = await connectError(inventoryHost({ knownHostsFile: file }));
  assert.ok(error instanceof HostKeyError, String(error));
  assert.match(error.message, /HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+/);
  assert.ok(error.message.includes(`${file}:2`));
  assert.ok(error.message.includes(`ssh-keygen -R '[127.0.0.1]:${server.port}' -f ${file}`));
});

test('a missing known_hosts file means every key is unknown', async () => {
  const error = await connectError(inventoryHost({ knownHostsFile: '/nonexistent/known_hosts' }));
  assert.ok(error instanceof HostKeyError);
  assert.match(error.message, /could not be read/);
});

test('hostKeyChecking: false accepts an unknown key, and says so in the log', async () => {
  const lines: string[] = [];
  const pool = new SshPool([inventoryHost({ hostKeyChecking: false, knownHostsFile: '/nonexistent/known_hosts' })], (l) => lines.push(l));
  assert.equal(await pool.run('hostT', ['echo', 'unchecked']), 'unchecked\n');
  await pool.close();
  assert.ok(lines.some((l) => /host key checking is off .* accepting ssh-ed25519 SHA256:/.test(l)));
});

test('a closed port: HostUnreachableError naming the host, quickly', async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const started = Date.now();
  const error = await connectError(inventoryHost({ port, connectTimeoutMs: 2000 }));
  assert.ok(error instanceof HostUnreachableError, String(error));
  assert.equal(error.exitCode, 4);
  assert.match(error.message, /^host hostT is unreachable: root@127\.0\.0\.1:\d+: ECONNREFUSED/);
  assert.ok(Date.now() - started < 2000);
});

test('a port that accepts TCP but never speaks SSH: unreachable within the connect timeout', async () => {
  const silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as AddressInfo).port;
  const started = Date.now();
  const error = await connectError(inventoryHost({ port, connectTimeoutMs: 600 }));
  const tookMs = Date.now() - started;
  silent.close();
  assert.ok(error instanceof HostUnreachableError, String(error));
  assert.match(error.message, /within 600 ms/);
  assert.ok(tookMs >= 500 && tookMs < 5000, `took ${tookMs} ms`);
});

test('an unreadable identity file is reported without its content', async () => {
  const error = await connectError(inventoryHost({ identityFile: '/nonexistent/id_ed25519' }));
  assert.ok(error instanceof TsmigError && error.exitCode === 4, String(error));
  assert.match(error.message, /^host hostT: \/nonexistent\/id_ed25519: no such identity file \(check the path\)/);
});

test('one connection, many concurrent channels', async () => {
  const before = server.connections;
  const pool = new SshPool([inventoryHost()]);
  const started = Date.now();
  const outputs = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.run('hostT', ['sh', '-c', `sleep 0.5; echo ${i}`])));
  const tookMs = Date.now() - started;
  await pool.close();
  assert.deepEqual(outputs, ['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
  assert.equal(server.connections - before, 1, 'a single SSH connection');
  assert.ok(tookMs < 2900, `6 × 0.5 s ran concurrently, not one after another (took ${tookMs} ms)`);
});

test('channels beyond the per-host limit wait for a free one instead of failing', async () => {
  const pool = new SshPool([inventoryHost()], () => {}, { maxChannelsPerHost: 2, keepaliveIntervalMs: 5000, keepaliveCountMax: 3 });
  const started = Date.now();
  const outputs = await Promise.all(Array.from({ length: 4 }, (_, i) => pool.run('hostT', ['sh', '-c', `sleep 0.3; echo ${i}`])));
  await pool.close();
  assert.deepEqual(outputs, ['0\n', '1\n', '2\n', '3\n']);
  assert.ok(Date.now() - started >= 550, 'two rounds of two');
});

test('argv with shell metacharacters arrives intact', async () => {
  const pool = new SshPool([inventoryHost()]);
  const args = ['a b', '$(id)', '`id`', "it's", '"q"', 'x;y', 'new\nline', '', 'ünï ✓', '*', '\\'];
  const out = await pool.run('hostT', ['printf', '%s\\000', ...args]);
  await pool.close();
  assert.deepEqual(out.split('\0').slice(0, -1), args);
  const sent = server.commands.at(-1)!;
  assert.ok(sent.startsWith("printf '%s\\000' 'a b' '$(id)'"), sent);
});

test('exit codes and stderr come back; run() throws them with host and command', async () => {
  const pool = new SshPool([inventoryHost()]);
  const r = await pool.exec('hostT', ['sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.deepEqual([r.exitCode, r.stdout, r.stderr, r.aborted], [3, 'out\n', 'err\n', false]);
  await assert.rejects(pool.run('hostT', ['sh', '-c', 'echo "error: no domain" >&2; exit 1']), (e: unknown) => {
    assert.ok(e instanceof RemoteCommandError);
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /^hostT: `sh -c 'echo "error: no domain" >&2; exit 1'` exited 1: error: no domain$/);
    return true;
  });
  await pool.close();
});

test('streamed output, EOF on stdin to stop a command, and abort', async () => {
  const pool = new SshPool([inventoryHost()]);
  const chunks: string[] = [];
  const endInput = new AbortController();
  const running = pool.exec('hostT', ['sh', '-c', 'echo started; cat >/dev/null; echo stopped'], {
    endInput: endInput.signal,
    onStdout: (c) => {
      chunks.push(c);
      if (c.includes('started')) endInput.abort();
    },
  });
  const r = await running;
  assert.equal(r.exitCode, 0);
  assert.equal(chunks.join(''), 'started\nstopped\n');

  const abort = new AbortController();
  const started = Date.now();
  setTimeout(() => abort.abort(), 200);
  const killed = await pool.exec('hostT', ['sleep', '30'], { signal: abort.signal });
  assert.equal(killed.aborted, true);
  assert.ok(Date.now() - started < 3000);
  await pool.close();
});

test('a host not in the inventory is an error naming it', async () => {
  const pool = new SshPool([inventoryHost()]);
  await assert.rejects(pool.connect('nohost'), /host nohost is not in the inventory/);
});
