// The ajv options tsmig validates with, in one place: the runtime compilers (validate-schema.ts,
// cli/json-schemas.ts) and the ahead-of-time one (scripts/write-validators.ts) must agree, or the
// precompiled validators would report differently from a runtime compile.
import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';

export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

/**
 * An ajv with AJV_OPTIONS, ajv itself loaded only here, synchronously: an ES import would load it
 * at every start, and loading it is a large part of one; most runs never compile a schema.
 */
export function newAjv(): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new AjvClass(AJV_OPTIONS);
}
