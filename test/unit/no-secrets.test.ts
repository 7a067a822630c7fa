import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

test('reports, journal and output never contain identity file paths', async () => {
  const secret = '/very/secret/keys/ops_ed25519';
  const pb = writeTemp(`name: secrets
inventory:
  driver: sim
  defaults: { identity_file: ${secret}, known_hosts: /very/secret/known_hosts }
  hosts:
    A: { vms: { v1: { memory_mib: 256, tx_mbps: 10 } } }
    B: {}
sampling: { duration: 2s }
migrations: [{ from: A, to: B }]
report: { dir: ${join(tempDir, 'secret-reports')}, formats: [json, html, junit, text] }
`);
  const r = await runCli(['run', pb, '-v']);
  assert.equal(r.exitCode, 0, r.stderr);
  const dir = join(tempDir, 'secret-reports');
  const files = readdirSync(dir);
  assert.ok(files.some((f) => f.endsWith('.jsonl')), 'the journal is there');
  for (const f of files) assert.ok(!readFileSync(join(dir, f), 'utf8').includes('/very/secret'), `${f} leaks a key path`);
  assert.ok(!(r.stdout + r.stderr).includes('/very/secret'));
});
