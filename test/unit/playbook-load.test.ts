import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { PlaybookError, TsmigError } from '../../src/errors.ts';
import { PUBLISHED, renderSchema } from '../../scripts/write-schema.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const VALID = `name: Drain rack 12
inventory:
  driver: sim
  hosts:
    hostA:
      nic_mbps: 1000
      background: { tx_mbps: 50, rx_mbps: 20 }
      vms:
        vm1: { memory_mib: 5120, tx_mbps: 200, rx_mbps: 400, dirty_mib_per_s: 20 }
        vm2: { memory_mib: 5120, tx_mbps: 300, rx_mbps: 500 }
    hostB: { nic_mbps: 1000 }
sampling: { duration: 30s, interval: 1s }
strategy: traffic-sensitive
migrations:
  - { from: hostA, to: hostB, vms: all }
constraints: { max_parallel: 4, bandwidth_mbps: 0, max_downtime: 300ms, timeout: 10m, retries: 2, retry_delay: 5s }
`;

/** Loads and returns the problems as "LINE:COL message" strings, file name stripped. */
function problemsOf(content: string): string[] {
  const file = writeTemp(content);
  try {
    loadPlaybook(file);
  } catch (error) {
    assert.ok(error instanceof PlaybookError, `expected a PlaybookError, got ${String(error)}`);
    assert.equal(error.exitCode, 4);
    return error.problems.map((p) => {
      assert.equal(p.position.file, file);
      return `${p.position.line}:${p.position.column} ${p.message}`;
    });
  }
  assert.fail('expected the playbook to be refused');
}

test("the issue's example playbook loads with units normalised", () => {
  const pb = loadPlaybook(writeTemp(VALID));
  assert.equal(pb.inventory.driver, 'sim');
  assert.deepEqual(pb.sampling, { durationMs: 30_000, intervalMs: 1000 });
  assert.equal(pb.constraints.maxDowntimeMs, 300);
  assert.equal(pb.constraints.timeoutMs, 600_000);
  assert.equal(pb.constraints.retryDelayMs, 5000);
  const hostA = pb.inventory.hosts.find((h) => h.name === 'hostA');
  assert.deepEqual(hostA?.background, { txMbps: 50, rxMbps: 20 });
  assert.deepEqual(hostA?.simVms.map((v) => [v.name, v.txMbps, v.rxMbps, v.dirtyMibPerS]), [
    ['vm1', 200, 400, 20],
    ['vm2', 300, 500, 0],
  ]);
  assert.deepEqual(pb.migrations[0]?.to, ['hostB']);
  assert.equal(pb.migrations[0]?.vms, 'all');
});

test('defaults apply when the playbook is silent', () => {
  const pb = loadPlaybook(writeTemp('name: x\ninventory:\n  hosts: { a: {}, b: {} }\nmigrations: [{ from: a, to: b }]\n'));
  assert.equal(pb.inventory.driver, 'ssh');
  assert.equal(pb.strategy, 'traffic-sensitive');
  assert.equal(pb.inventory.hosts[0]?.hostKeyChecking, true);
  assert.equal(pb.inventory.hosts[0]?.libvirtUri, 'qemu:///system');
  assert.equal(pb.constraints.retries, 2);
});

test('YAML syntax errors name line and column', () => {
  assert.deepEqual(problemsOf('name: x\nmigrations: [1, 2\nfoo: 3\n'), ['3:1 YAML: deficient indentation']);
});

test('duplicate keys are YAML errors at the second key', () => {
  const [p] = problemsOf('name: x\nname: y\n');
  assert.match(p ?? '', /^2:1 YAML: duplicated mapping key/);
});

test('unknown keys point at the key', () => {
  const problems = problemsOf(VALID.replace('retry_delay: 5s }', 'retry_delay: 5s, colour: red }'));
  assert.deepEqual(problems, ['16:116 unknown key "colour" in constraints']);
});

test('a VM name with shell metacharacters is refused at its key', () => {
  const problems = problemsOf(VALID.replace('vm2:', '"vm2;reboot":'));
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /^10:10 "vm2;reboot" is not a valid name/);
});

test('a bad duration says how to write one', () => {
  assert.deepEqual(problemsOf(VALID.replace('max_downtime: 300ms', 'max_downtime: 3 parsecs')), [
    '16:66 constraints.max_downtime: not a duration: write e.g. 500ms, 30s, 2m or 1h',
  ]);
});

test('wrong types and enums are located', () => {
  assert.deepEqual(problemsOf(VALID.replace('strategy: traffic-sensitive', 'strategy: fastest')), [
    '13:11 strategy must be one of "traffic-sensitive", "pre-copy", "post-copy"',
  ]);
  assert.deepEqual(problemsOf(VALID.replace('retries: 2', 'retries: two')), ['16:96 constraints.retries must be integer']);
});

test('semantic errors: unknown host, unknown VM, VM on another host, duplicate VM, same source and destination', () => {
  const base = VALID.split('migrations:')[0];
  const problems = problemsOf(
    `${base}migrations:\n  - { from: hostA, to: hostC, vms: [vm1] }\n  - { from: hostA, to: hostB, vms: [vm1, vm7] }\n  - { from: hostB, to: hostB, vms: [vm2] }\n`,
  );
  assert.deepEqual(problems, [
    '15:24 unknown host "hostC" (inventory hosts: hostA, hostB)',
    '16:37 VM vm1 is already moved by migration 1; a VM may appear in one migration only',
    '16:42 unknown VM "vm7": no such VM in the inventory',
    '17:24 hostB is both the source and a destination of this migration',
    '17:37 VM vm2 runs on hostA, not on hostB',
  ]);
});

test('an empty file, a missing file and a non-mapping are clear errors', () => {
  assert.deepEqual(problemsOf(''), ['1:1 file is empty: expected a YAML mapping']);
  assert.deepEqual(problemsOf('- just\n- a list\n'), ['1:1 a playbook is a YAML mapping (name:, inventory:, migrations:, …)']);
  assert.throws(() => loadPlaybook('/nonexistent/drain.yml'), /\/nonexistent\/drain\.yml: no such playbook \(check the path\)$/);
});

test('an alias bomb is refused quickly', () => {
  const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const started = performance.now();
  const [p] = problemsOf(`${levels.join('\n')}\n`);
  assert.match(p ?? '', /^1:1 aliases expand to \d+ nodes; the limit is 100000/);
  assert.ok(performance.now() - started < 5000, 'refusal must not walk the expansion');
});

test('a huge file is refused before parsing', () => {
  const file = writeTemp(`name: x\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  assert.throws(() => loadPlaybook(file), (e: unknown) => e instanceof TsmigError && e.exitCode === 4 && e.message === `${file}: the playbook is larger than 1 MiB, the limit for a playbook`);
});

test('deep nesting is refused', () => {
  const [p] = problemsOf(`name: ${'['.repeat(200)}${']'.repeat(200)}\n`);
  assert.match(p ?? '', /YAML: .*(depth|nesting)/i);
});

test('inventory in a separate file, by path or -i, with errors located in that file', () => {
  const inv = writeTemp('driver: sim\nhosts:\n  a: { vms: { v1: { memory_mib: 512 } } }\n  b: {}\n', 'inv.yml');
  const pb = loadPlaybook(writeTemp(`name: x\ninventory: ${basename(inv)}\nmigrations: [{ from: a, to: b }]\n`));
  assert.deepEqual(pb.inventory.hosts.map((h) => h.name), ['a', 'b']);
  const bad = writeTemp('hosts:\n  a: { nic_mbps: fast }\n', 'bad-inv.yml');
  assert.throws(
    () => loadPlaybook(writeTemp('name: x\nmigrations: [{ from: a, to: b }]\n'), { inventoryFile: bad }),
    (e: unknown) => e instanceof PlaybookError && e.message === `${bad}:2:18: hosts.a.nic_mbps must be number`,
  );
});

test('the published JSON Schema files match the source of truth', () => {
  for (const [path, schema] of PUBLISHED) {
    assert.equal(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'), renderSchema(schema), `${path} is stale: run npm run schema`);
  }
});

test('an Ansible-style inventory works with -i; its errors point into it', () => {
  const inv = writeTemp(
    `all:
  vars:
    ansible_user: ops
    ansible_ssh_private_key_file: /keys/tsmig
    nic_mbps: 25000
    ntp_server: ignored.example
  children:
    rack12:
      hosts:
        hv1: { ansible_host: 192.0.2.1 }
        hv2: { ansible_host: 192.0.2.2, ansible_port: 2222 }
`,
    'ansible-inv.yml',
  );
  const pb = loadPlaybook(writeTemp('name: x\nmigrations: [{ from: hv1, to: hv2 }]\n'), { inventoryFile: inv });
  assert.equal(pb.inventory.driver, 'ssh');
  assert.deepEqual(
    pb.inventory.hosts.map((h) => [h.name, h.address, h.port, h.user, h.identityFile, h.nicMbps]),
    [
      ['hv1', '192.0.2.1', 22, 'ops', '/keys/tsmig', 25000],
      ['hv2', '192.0.2.2', 2222, 'ops', '/keys/tsmig', 25000],
    ],
  );
  const bad = writeTemp('all:\n  hosts:\n    hv1: { ansible_port: many }\n    hv2: {}\n', 'ansible-bad.yml');
  assert.throws(
    () => loadPlaybook(writeTemp('name: x\nmigrations: [{ from: hv1, to: hv2 }]\n'), { inventoryFile: bad }),
    (e: unknown) => e instanceof PlaybookError && e.message === `${bad}:3:26: hosts.hv1.port must be integer`,
  );
});
