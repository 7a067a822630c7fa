// `-e key.path=value` overrides, applied to the raw playbook before validation so the schema
// checks them like anything written in the file. Values are read as YAML scalars/flow nodes.
import { load } from 'js-yaml';
import { UsageError } from '../errors.ts';

export function applyOverrides(data: Record<string, unknown>, overrides: string[]): void {
  for (const override of overrides) {
    const eq = override.indexOf('=');
    if (eq <= 0) throw new UsageError(`-e ${override}: write -e key.path=value (e.g. -e constraints.max_parallel=2)`);
    const path = override.slice(0, eq).split('.');
    let value: unknown;
    try {
      value = load(override.slice(eq + 1), { maxDepth: 8, maxAliases: 0 });
    } catch (error) {
      throw new UsageError(`-e ${override}: the value is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    }
    let node: Record<string, unknown> = data;
    for (const key of path.slice(0, -1)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new UsageError(`-e ${override}: invalid key ${key}`);
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (next === null || typeof next !== 'object' || Array.isArray(next)) throw new UsageError(`-e ${override}: ${key} is not a mapping`);
      node = node[key] as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') throw new UsageError(`-e ${override}: invalid key ${last}`);
    node[last] = value;
  }
}
