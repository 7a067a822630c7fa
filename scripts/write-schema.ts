// Writes schemas/playbook.schema.json (for editors and the YAML language server) from the one
// source of truth in src/playbook/playbook-schema.ts.
import { writeFileSync } from 'node:fs';
import { inventorySchema, playbookSchema } from '../src/playbook/playbook-schema.ts';

export const PUBLISHED = [
  ['schemas/playbook.schema.json', playbookSchema],
  ['schemas/inventory.schema.json', { $schema: 'http://json-schema.org/draft-07/schema#', title: 'tsmig inventory', ...inventorySchema }],
] as const;

export function renderSchema(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, schema] of PUBLISHED) writeFileSync(path, renderSchema(schema));
}
