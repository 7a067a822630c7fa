// Checks data against a JSON Schema and turns ajv's findings into FILE:LINE:COL problems.
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { PlaybookError, type SourcePosition } from '../errors.ts';
import { newAjv } from './ajv-options.ts';
import { inventorySchema, NAME_PATTERN, playbookSchema } from './playbook-schema.ts';
import { escapePointer, type SourceMap } from './source-map.ts';
import { validateInventory, validatePlaybook } from './generated/schema-validators.js';

// The playbook and inventory schemas come precompiled (`npm run schema`): compiling them, and
// loading ajv at all, took a large part of every start. Any other schema is compiled on first use.
const compiled = new WeakMap<object, ValidateFunction>([
  [playbookSchema, validatePlaybook],
  [inventorySchema, validateInventory],
]);
let ajv: Ajv | undefined;

function compile(schema: object): ValidateFunction {
  ajv ??= newAjv();
  return ajv.compile(schema);
}

/** `root` names the whole document in messages: 'playbook', 'inventory'. */
export function validateAgainstSchema(schema: object, data: unknown, sourceMap: SourceMap, root = 'playbook'): void {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return;
  const problems = explain(validate.errors ?? [], sourceMap, data, root);
  throw new PlaybookError(problems);
}

function explain(errors: ErrorObject[], sourceMap: SourceMap, data: unknown, root: string): Array<{ position: SourcePosition; message: string }> {
  // oneOf reports every branch's failure; keep the branch errors that go deepest, drop the umbrella.
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'propertyNames' && e.keyword !== 'if');
  const kept = preferSpecific(useful.length > 0 ? useful : errors);
  const seen = new Set<string>();
  const problems: Array<{ position: SourcePosition; message: string }> = [];
  for (const error of kept) {
    const { pointer, atKey, message } = describe(error, data, root);
    const position = sourceMap.positionOf(pointer, atKey);
    const key = `${position.line}:${position.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ position, message });
  }
  return problems.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}

/** Where a type error and a pattern error hit the same node via oneOf, the pattern says more. */
function preferSpecific(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) byPath.set(pathOf(e), [...(byPath.get(pathOf(e)) ?? []), e]);
  const paths = [...byPath.keys()];
  const result: ErrorObject[] = [];
  for (const [path, group] of byPath) {
    const specific = group.filter((e) => e.keyword !== 'type' && e.keyword !== 'const');
    if (specific.length > 0) result.push(...specific);
    // A bare type mismatch from the branch not taken says nothing when a deeper error explains more;
    // otherwise one error names every type the branches accept.
    else if (!paths.some((p) => p.startsWith(`${path}/`))) {
      const types = [...new Set(group.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)))];
      result.push(types.length > 1 ? { ...group[0]!, keyword: 'type', params: { type: types.join(' or ') } } : group[0]!);
    }
  }
  return result;
}

function pathOf(e: ErrorObject): string {
  return e.propertyName !== undefined ? `${e.instancePath}/${escapePointer(e.propertyName)}` : e.instancePath;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', number: 'a number', integer: 'an integer', boolean: 'true or false', object: 'a mapping', array: 'a list' };

/** The value at a JSON pointer of the validated data. */
function valueAt(data: unknown, pointer: string): unknown {
  let node = data;
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function describe(e: ErrorObject, data: unknown, root: string): { pointer: string; atKey: boolean; message: string } {
  const where = e.instancePath === '' ? root : e.instancePath.slice(1).replace(/\//g, '.');
  if (e.keyword === 'type' && valueAt(data, e.instancePath) === null) {
    return { pointer: e.instancePath, atKey: true, message: `${where} is empty: expected ${String(e.params.type).replace(/\b(string|number|integer|boolean|object|array)\b/g, (t) => TYPE_WORDS[t] ?? t)}` };
  }
  if (e.propertyName !== undefined) {
    return {
      pointer: pathOf(e),
      atKey: true,
      message: `${JSON.stringify(e.propertyName)} is not a valid name: use letters, digits, '.', '_' and '-' (pattern ${NAME_PATTERN})`,
    };
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      return { pointer: `${e.instancePath}/${escapePointer(key)}`, atKey: true, message: `unknown key ${JSON.stringify(key)} in ${where}` };
    }
    case 'required':
      return { pointer: e.instancePath, atKey: false, message: `${where} needs the key ${JSON.stringify(e.params.missingProperty)}` };
    case 'pattern':
      return { pointer: e.instancePath, atKey: false, message: `${where}: ${describePattern(String(e.params.pattern))}` };
    case 'enum':
      return {
        pointer: e.instancePath,
        atKey: false,
        message: `${where} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { pointer: e.instancePath, atKey: false, message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function describePattern(pattern: string): string {
  if (pattern === NAME_PATTERN) return `not a valid name: use letters, digits, '.', '_' and '-' (pattern ${pattern})`;
  if (pattern.includes('ms|s|m|h')) return 'not a duration: write e.g. 500ms, 30s, 2m or 1h';
  return `does not match ${pattern}`;
}
