// The ajv options tsmig validates playbooks with, in one place: the runtime compiler
// (validate-schema.ts) and the ahead-of-time one (scripts/write-validators.ts) must agree, or
// the precompiled validators would report differently from a runtime compile.
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;
