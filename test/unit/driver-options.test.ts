// Each driver declares the inventory keys it reads beside it; the playbook loader composes them.
// These tests hold the composition to what a newcomer adding a driver relies on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DRIVER_KINDS, DRIVER_OPTIONS } from '../../src/drivers/driver-options.ts';
import { DRIVERS } from '../../src/drivers/create-driver.ts';
import { inventorySchema } from '../../src/playbook/playbook-schema.ts';
import { DURATION_BOUNDS } from '../../src/playbook/duration-bounds.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const loadPlaybookText = (yaml: string) => loadPlaybook(writeTemp(yaml));

const CAPACITY_KEYS = ['nic_mbps', 'memory_mib', 'vcpus'];

test('every driver kind has an option declaration and a factory, and the schema offers exactly those kinds', () => {
  assert.deepEqual(Object.keys(DRIVERS).sort(), [...DRIVER_KINDS].sort());
  assert.deepEqual([...inventorySchema.properties.driver.enum].sort(), [...DRIVER_KINDS].sort());
});

test("drivers' keys never collide with each other or with the capacity keys", () => {
  const seen = new Map<string, string>(CAPACITY_KEYS.map((k) => [k, 'capacity']));
  for (const [kind, d] of Object.entries(DRIVER_OPTIONS)) {
    for (const key of [...Object.keys(d.hostProperties), ...Object.keys(d.hostOnlyProperties), ...Object.keys(d.inventoryProperties)]) {
      assert.equal(seen.get(key), undefined, `${kind} declares ${key}, already declared by ${seen.get(key)}`);
      seen.set(key, kind);
    }
  }
});

test("the inventory schema is the capacity keys plus each driver's declared keys, nothing else", () => {
  const hostKeys = Object.keys(inventorySchema.properties.hosts.additionalProperties.properties).sort();
  const defaultsKeys = Object.keys(inventorySchema.properties.defaults.properties).sort();
  const declared = Object.values(DRIVER_OPTIONS);
  const hostLevel = declared.flatMap((d) => Object.keys(d.hostProperties));
  assert.deepEqual(defaultsKeys, [...CAPACITY_KEYS, ...hostLevel].sort());
  assert.deepEqual(hostKeys, [...CAPACITY_KEYS, ...hostLevel, ...declared.flatMap((d) => Object.keys(d.hostOnlyProperties))].sort());
  for (const d of declared) {
    for (const key of Object.keys(d.inventoryProperties)) assert.ok(key in inventorySchema.properties, `inventory key ${key}`);
    for (const key of Object.keys(d.hostDurationBounds)) assert.ok(`hosts.H.${key}` in DURATION_BOUNDS, `bound of ${key}`);
    for (const key of Object.keys(d.inventoryDurationBounds)) assert.ok(key in DURATION_BOUNDS, `bound of ${key}`);
  }
});

test("a host's keys reach the driver that declared them, normalised, with that driver's defaults", () => {
  const playbook = loadPlaybookText(`
name: options
inventory:
  driver: sim
  sim: { noise: 0.1, seed: 7, faults: { link_outage: 5s } }
  defaults: { user: ops, connect_timeout: 3s }
  hosts:
    hostA:
      address: 192.0.2.10
      background: { tx_mbps: 5 }
      vms: { vm1: { memory_mib: 512 } }
    hostB: { nic_mbps: 10000 }
migrations: [{ from: hostA, to: hostB }]
`);
  const [a, b] = playbook.inventory.hosts;
  assert.ok(a && b);
  assert.equal(a.address, '192.0.2.10');
  assert.equal(b.address, 'hostB', 'ssh: address defaults to the name');
  assert.equal(a.user, 'ops');
  assert.equal(a.connectTimeoutMs, 3000);
  assert.equal(b.port, 22);
  assert.deepEqual(a.background, { txMbps: 5, rxMbps: 0 });
  assert.equal(a.simVms[0]?.memoryMib, 512);
  assert.equal(b.nicMbps, 10000);
  assert.equal(playbook.inventory.simNoise, 0.1);
  assert.equal(playbook.inventory.simSeed, 7);
  assert.equal(playbook.inventory.simFaults.linkOutageMs, 5000);
});

test("a driver's duration key is bounded where the driver declared it, with its position", () => {
  assert.throws(
    () => loadPlaybookText(`
name: bounds
inventory:
  driver: sim
  sim: { faults: { link_outage: 100h } }
  hosts:
    hostA: { connect_timeout: 1h, vms: { vm1: { memory_mib: 512 } } }
    hostB: {}
migrations: [{ from: hostA, to: hostB }]
`),
    (error: Error) => {
      assert.match(error.message, /:7:\d+: connect_timeout must be between 100ms and 10m, not 1h/);
      assert.match(error.message, /:5:\d+: sim\.faults\.link_outage must be between 0s and 24h, not 100h/);
      return true;
    },
  );
});
