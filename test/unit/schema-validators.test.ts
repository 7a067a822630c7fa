// The precompiled playbook/inventory validators (src/playbook/generated/) are what ajv compiles
// from the schemas today, and report exactly what a runtime compile reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { renderValidators, VALIDATORS_DTS, VALIDATORS_JS } from '../../scripts/write-validators.ts';
import { AJV_OPTIONS } from '../../src/playbook/ajv-options.ts';
import { inventorySchema, playbookSchema } from '../../src/playbook/playbook-schema.ts';
import { validateInventory, validatePlaybook } from '../../src/playbook/generated/schema-validators.js';

const committed = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('the committed precompiled validators match the schemas (regenerated in memory)', () => {
  const { js, dts } = renderValidators();
  assert.ok(committed(VALIDATORS_JS) === js, `${VALIDATORS_JS} is stale: run npm run schema`);
  assert.equal(committed(VALIDATORS_DTS), dts, `${VALIDATORS_DTS} is stale: run npm run schema`);
});

const host = { nic_mbps: 1000, vms: { vm1: { memory_mib: 1024 } } };
const PLAYBOOKS: unknown[] = [
  { name: 'ok', inventory: { driver: 'sim', hosts: { a: host } }, migrations: [{ from: 'a', to: 'b' }] },
  { name: '', migrations: [] },
  { name: 'x', colour: 1, migrations: [{ from: 'a b', to: [1], vms: 'some', mode: 'fast' }], planner: { gap: '5 percent' } },
  { name: 'x', inventory: { hosts: { 'bad name': null }, drivr: 'ssh' }, migrations: [{ from: 'a', to: 'b' }], constraints: { modes: ['pre-copy', 'pre-copy'], timeout: '3 days' } },
  null,
];
const INVENTORIES: unknown[] = [{ hosts: { a: host } }, { hosts: {} }, { driver: 'kvm', hosts: { a: { nic_mbps: -1, port: 'x' } } }, []];

test('precompiled and runtime-compiled validators give the same verdicts and the same errors', () => {
  const ajv = new Ajv(AJV_OPTIONS);
  const cases = [
    [validatePlaybook, ajv.compile(playbookSchema), PLAYBOOKS],
    [validateInventory, ajv.compile(inventorySchema), INVENTORIES],
  ] as const;
  let failures = 0;
  for (const [precompiled, runtime, documents] of cases) {
    for (const data of documents) {
      const verdict = precompiled(data);
      assert.equal(verdict, runtime(data), JSON.stringify(data));
      assert.deepEqual(precompiled.errors ?? null, runtime.errors ?? null, JSON.stringify(data));
      if (!verdict) failures++;
    }
  }
  assert.equal(failures, PLAYBOOKS.length + INVENTORIES.length - 2, 'every case but the two valid ones fails');
});
