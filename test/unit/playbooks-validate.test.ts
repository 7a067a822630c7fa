import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const dir = new URL('../../playbooks/', import.meta.url).pathname;
// The lab playbooks take the lab's generated inventory with -i; an equivalent stands in here.
const labInventory = writeTemp('driver: ssh\nhosts:\n  hostA: { address: 10.200.0.1 }\n  hostB: { address: 10.200.0.2 }\n', 'lab-inventory.yml');

for (const name of readdirSync(dir).filter((f) => f.endsWith('.yml'))) {
  test(`playbooks/${name} is valid`, () => {
    const text = readFileSync(`${dir}${name}`, 'utf8');
    const needsLab = !/^inventory:/m.test(text);
    const pb = loadPlaybook(`${dir}${name}`, needsLab ? { inventoryFile: labInventory } : {});
    assert.ok(pb.migrations.length > 0);
    assert.match(text, /yaml-language-server: \$schema=/, 'editors find the schema');
  });
}

test('~ in identity_file and known_hosts means the home directory', () => {
  const pb = loadPlaybook(new URL('../../playbooks/evacuate-host.yml', import.meta.url).pathname);
  assert.equal(pb.inventory.hosts[0]?.identityFile, `${homedir()}/.ssh/id_ed25519`);
  assert.equal(pb.inventory.hosts[0]?.knownHostsFile, `${homedir()}/.ssh/known_hosts`);
});
