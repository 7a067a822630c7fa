import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const repoFile = (p: string): string => new URL(`../../${p}`, import.meta.url).pathname;
const DEMO = repoFile('playbooks/demo-sim.yml');
const NO_STACK = /\n\s+at .+:\d+:\d+/;

const SEED_EXAMPLE = `name: seed example
inventory:
  driver: sim
  hosts:
    hostA:
      vms:
        VM1: { memory_mib: 1024, tx_mbps: 200, rx_mbps: 400 }
        VM2: { memory_mib: 1024, tx_mbps: 300, rx_mbps: 500 }
    hostB: {}
sampling: { duration: 10s, interval: 1s }
migrations: [{ from: hostA, to: hostB, vms: all }]
`;

test('validate: OK on the demo (exit 0), file:line:col and exit 4 on a bad playbook, no stack trace', async () => {
  const ok = await runCli(['validate', DEMO]);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.match(ok.stdout, /OK/);
  const bad = writeTemp('name: x\ninventory:\n  driver: sim\n  hosts: { a: {}, b: {} }\nmigrations: [{ from: a, to: c }]\n');
  const r = await runCli(['validate', bad]);
  assert.equal(r.exitCode, 4);
  assert.equal(r.stderr.trim(), `ERROR: ${bad}:5:29: unknown host "c" (inventory hosts: a, b)`);
  assert.doesNotMatch(r.stderr, NO_STACK);
  const alias = await runCli(['syntax-check', DEMO]);
  assert.equal(alias.exitCode, 0);
});

test('missing file → exit 4 with one clear line', async () => {
  const r = await runCli(['validate', '/nonexistent/drain-rack.yml']);
  assert.equal(r.exitCode, 4);
  assert.equal(r.stderr.trim(), 'ERROR: /nonexistent/drain-rack.yml: no such playbook (check the path)');
});

test('bad command-line options → exit 5', async () => {
  assert.equal((await runCli(['run', DEMO, '--strategy', 'fastest'])).exitCode, 5);
  assert.equal((await runCli(['run', DEMO, '--no-such-flag'])).exitCode, 5);
  assert.equal((await runCli(['frobnicate'])).exitCode, 5);
  assert.equal((await runCli(['--help'])).exitCode, 0);
});

test("plan --json: the seed's example plans to 400 Mbps with VM1 post-copy and VM2 pre-copy; stdout is only JSON", async () => {
  const r = await runCli(['plan', writeTemp(SEED_EXAMPLE), '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { plan: { strategy: string; contention_mbps?: number; contentionMbps: number; migrations: Array<{ vm: string; mode: string; from: string; to: string }> }; measurements: unknown };
  assert.equal(out.plan.strategy, 'traffic-sensitive');
  assert.equal(out.plan.contentionMbps, 400);
  assert.deepEqual(Object.fromEntries(out.plan.migrations.map((m) => [m.vm, m.mode])), { VM1: 'post-copy', VM2: 'pre-copy' });
  assert.ok(out.measurements);
  assert.match(r.stderr, /TASK \[measure\]/, 'progress goes to stderr');
});

test('plan --strategy pre-copy assigns pre-copy to every VM', async () => {
  const r = await runCli(['plan', writeTemp(SEED_EXAMPLE), '--json', '--strategy', 'pre-copy']);
  const out = JSON.parse(r.stdout) as { plan: { contentionMbps: number; migrations: Array<{ mode: string }> } };
  assert.deepEqual(out.plan.migrations.map((m) => m.mode), ['pre-copy', 'pre-copy']);
  assert.equal(out.plan.contentionMbps, 500);
});

test('run the demo: exit 0, every VM moved, PLAY RECAP, JSON report written', async () => {
  const reportPath = join(tempDir, 'demo-report.json');
  const r = await runCli(['run', DEMO, '--report', reportPath]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /PLAY RECAP/);
  assert.match(r.stdout, /rack12-a\s+: ok=0 {2}changed=5 {2}failed=0 {2}skipped=0/);
  assert.ok(!(r.stdout + r.stderr).includes('\u001b['), 'no escape codes when not a TTY');
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { migrations: Array<{ status: string; vm_on: string; mode: string }>; summary: { total_migration_time_s: number; data_transferred_bytes: number } };
  assert.equal(report.migrations.length, 5);
  for (const m of report.migrations) {
    assert.equal(m.status, 'changed');
    assert.equal(m.vm_on, 'rack14-b');
  }
  assert.ok(report.summary.total_migration_time_s > 0);
  assert.ok(report.summary.data_transferred_bytes >= 15 * 1024 ** 3, 'at least all memory was sent');
  const again = await runCli(['report', reportPath]);
  assert.equal(again.exitCode, 0);
  assert.match(again.stdout, /PLAY RECAP/);
});

test('run --json: one JSON document with migrations and summary', async () => {
  const r = await runCli(['run', writeTemp(SEED_EXAMPLE), '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { migrations: Array<Record<string, unknown>>; summary: Record<string, unknown> };
  for (const key of ['vm', 'from', 'to', 'mode', 'status', 'started_s', 'finished_s', 'duration_s', 'bytes', 'retries']) {
    assert.ok(key in out.migrations[0]!, `migration record has ${key}`);
  }
  assert.ok('total_migration_time_s' in out.summary && 'data_transferred_bytes' in out.summary);
});

test('run --check moves nothing and says so', async () => {
  const r = await runCli(['run', DEMO, '--check']);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /check mode: nothing moved/);
  assert.match(r.stdout, /PLAN \[traffic-sensitive\]/);
});

test('failed migrations → exit 2, and the recap says where the VM runs', async () => {
  const pb = writeTemp(SEED_EXAMPLE.replace('VM1: { memory_mib: 1024,', 'VM1: { fail_migrations: 9, memory_mib: 1024,') + 'constraints: { retries: 1, retry_delay: 1s }\n');
  const r = await runCli(['run', pb]);
  assert.equal(r.exitCode, 2);
  assert.match(r.stdout, /FAILED VM1: .*injected failure.*; it runs on hostA/);
});

test('--list-hosts and --list-vms', async () => {
  const hosts = await runCli(['run', DEMO, '--list-hosts']);
  assert.deepEqual(hosts.stdout.trim().split('\n'), ['rack12-a', 'rack14-b']);
  const vms = await runCli(['run', DEMO, '--list-vms', '--limit', 'web-*']);
  assert.deepEqual(vms.stdout.trim().split('\n'), ['web-1\track12-a -> rack14-b', 'web-2\track12-a -> rack14-b']);
});

test('ssh driver: an unreachable host → exit 4 naming the host, nothing moved', async () => {
  const pb = writeTemp(`name: unreachable
inventory:
  defaults: { port: 9, connect_timeout: 2s, host_key_checking: false }
  hosts:
    deadhost: { address: 127.0.0.1 }
    otherhost: { address: 127.0.0.1 }
migrations: [{ from: deadhost, to: otherhost }]
`);
  const r = await runCli(['run', pb]);
  assert.equal(r.exitCode, 4, r.stderr);
  assert.match(r.stderr, /ERROR: host (deadhost|otherhost) is unreachable/);
  assert.doesNotMatch(r.stderr, NO_STACK);
});
