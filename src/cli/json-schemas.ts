// The JSON tsmig reads back (run report, saved plan, journal lines) is checked against the same
// schemas/ it publishes for what it writes: a hand-edited or foreign file is refused with what is
// wrong (exit 4), never half-read into a crash.
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import journalSchema from '../../schemas/journal.schema.json' with { type: 'json' };
import planSchema from '../../schemas/plan.schema.json' with { type: 'json' };
import runReportSchema from '../../schemas/run-report.schema.json' with { type: 'json' };
import { newAjv } from '../playbook/ajv-options.ts';

let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction>();

/** `ref` is a schema id with an optional fragment: 'run-report.schema.json', 'journal.schema.json#/definitions/plan'. */
export function schemaValidator(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    if (!ajv) {
      // On first use: plan and run import this module but read JSON back only with --compare, a
      // journal or a saved plan.
      ajv = newAjv();
      for (const schema of [planSchema, runReportSchema, journalSchema]) ajv.addSchema(schema);
    }
    validate = ajv.getSchema(ref);
    if (!validate) throw new Error(`no schema ${ref}`);
    validators.set(ref, validate);
  }
  return validate;
}

function describeError(e: ErrorObject, root: string): string {
  const where = e.instancePath === '' ? root : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') return `${where} has an unknown field ${JSON.stringify(e.params.additionalProperty)}`;
  if (e.keyword === 'enum') return `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'required') return `${where} lacks the field ${JSON.stringify(e.params.missingProperty)}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Up to three problems of `value` against the schema, in words; [] when it is valid. `root` names the whole value. */
export function schemaProblems(ref: string, value: unknown, root: string): string[] {
  const validate = schemaValidator(ref);
  if (validate(value)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describeError(e, root)))].slice(0, 3);
}
