// Through the CLI on the real lab: hosts whose SSH key is unknown or changed are refused, an
// unreachable host stops the run, each with exit 4 and nothing moved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guestsHomeOnA, inventoryVariant, lab, labDir, labInventory, labPlaybook, runningOn, tsmig } from './lab-helpers.ts';

before(guestsHomeOnA);
after(() => lab('trust'));

async function assertNothingMoved(): Promise<void> {
  assert.deepEqual(await runningOn('hostA'), ['grecv', 'gsend']);
  assert.deepEqual(await runningOn('hostB'), []);
}

test('unknown host keys: exit 4, the message says how to add the key, nothing moved', { timeout: 60_000 }, async (t) => {
  const empty = join(mkdtempSync(join(tmpdir(), 'tsmig-kh-')), 'known_hosts');
  writeFileSync(empty, '');
  const inventory = inventoryVariant((y) => y.replace(`known_hosts: ${labDir}/known_hosts`, `known_hosts: ${empty}`));
  const r = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', inventory], { signal: t.signal });
  assert.equal(r.exitCode, 4, r.stderr);
  assert.match(r.stderr, /host host[AB]: host key ssh-ed25519 SHA256:\S+ of 10\.200\.0\.[12] is not in /);
  assert.match(r.stderr, /ssh-keyscan -p 22 10\.200\.0\.[12] >> /);
  await assertNothingMoved();
});

test('host_key_checking: false accepts the unknown keys', { timeout: 60_000 }, async (t) => {
  const inventory = inventoryVariant((y) =>
    y.replace(`known_hosts: ${labDir}/known_hosts`, 'known_hosts: /nonexistent/known_hosts, host_key_checking: false'),
  );
  const r = await tsmig(['plan', labPlaybook('lab-a-to-b.yml'), '-i', inventory], { signal: t.signal });
  assert.equal(r.exitCode, 0, r.stderr);
});

test('a changed host key: exit 4, HOST KEY CHANGED naming the host, nothing moved', { timeout: 60_000 }, async (t) => {
  await lab('rekey', 'hostB');
  const r = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', labInventory], { signal: t.signal });
  await lab('trust');
  assert.equal(r.exitCode, 4, r.stderr);
  assert.match(r.stderr, /host hostB: HOST KEY CHANGED for 10\.200\.0\.2/);
  assert.match(r.stderr, /ssh-keygen -R '10\.200\.0\.2'/);
  await assertNothingMoved();
});

test('an unreachable host: exit 4 naming it, quickly, nothing moved', { timeout: 60_000 }, async (t) => {
  // hostB's own address on a port nothing listens on: refused at once.
  const inventory = inventoryVariant((y) => y.replace('hostB: { address: 10.200.0.2,', 'hostB: { address: 10.200.0.2, port: 2222,'));
  const r = await tsmig(['run', labPlaybook('lab-a-to-b.yml'), '-i', inventory], { signal: t.signal });
  assert.equal(r.exitCode, 4, r.stderr);
  assert.match(r.stderr, /host hostB is unreachable: root@10\.200\.0\.2:2222: ECONNREFUSED/);
  assert.ok(r.wallMs < 20_000, `took ${r.wallMs} ms`);
  await assertNothingMoved();
});
