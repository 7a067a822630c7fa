// The published JSON Schemas (schemas/) describe what tsmig really writes: the run report and
// `plan --json` of the demo validate against them, and every field name is snake_case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';

const DEMO = new URL('../../playbooks/demo-sim.yml', import.meta.url).pathname;
const schema = (name: string): object => JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addSchema(schema('plan.schema.json'));
  ajv.addSchema(schema('run-report.schema.json'));
  return (id: string, data: unknown): void => {
    const validate = ajv.getSchema(id);
    assert.ok(validate, id);
    assert.ok(validate(data), `${id}: ${ajv.errorsText(validate.errors)}`);
  };
}

/** Every key path whose name is not snake_case; `placement` is keyed by VM names (data, not fields). */
function nonSnakeKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => nonSnakeKeys(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(/^[a-z][a-z0-9_]*$/.test(k) ? [] : [`${path}.${k}`]),
    ...(k === 'placement' && path === '' ? [] : nonSnakeKeys(v, `${path}.${k}`)),
  ]);
}

test('the demo run report (file and --json) and plan --json (with --compare) match schemas/, all snake_case', async () => {
  const validate = validator();
  const reportFile = join(tempDir, 'schema-report.json');
  const run = await runCli(['run', DEMO, '--json', '--report', reportFile]);
  assert.equal(run.exitCode, 0, run.stderr);
  const printed = JSON.parse(run.stdout) as unknown;
  const written = JSON.parse(readFileSync(reportFile, 'utf8')) as { schema_version: number };
  assert.equal(written.schema_version, 1);
  for (const report of [printed, written]) {
    validate('run-report.schema.json', report);
    assert.deepEqual(nonSnakeKeys(report), []);
  }
  const plan = await runCli(['plan', DEMO, '--json', '--compare', reportFile, '--strategy', 'pre-copy']);
  assert.equal(plan.exitCode, 0, plan.stderr);
  const document = JSON.parse(plan.stdout) as { compare?: unknown };
  assert.ok(document.compare, 'the --compare section is there');
  validate('plan.schema.json', document);
  assert.deepEqual(nonSnakeKeys(document), []);
});

test('the schemas refuse what they should: an unknown field, a camelCase field, a wrong schema_version', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  ajv.addSchema(schema('plan.schema.json'));
  const validate = ajv.getSchema('plan.schema.json')!;
  const good = { schema_version: 1, plan: { strategy: 'pre-copy', objective: 'contention', contention_mbps: 1, migrations: [], hosts: [], waves: 0 }, measurements: { duration_ms: 0, interval_ms: 0, hosts: [], vms: [] } };
  assert.ok(validate(good), ajv.errorsText(validate.errors));
  assert.equal(validate({ ...good, schema_version: 2 }), false);
  assert.equal(validate({ ...good, plan: { ...good.plan, contentionMbps: 1 } }), false);
  assert.equal(validate({ ...good, extra: true }), false);
});
