// `-e` overrides, applied to the raw playbook before validation so the schema checks them like
// anything written in the file. As with ansible-playbook, three forms:
//   -e key.path=value   one key (the value is read as YAML: 2, true, [a, b], {x: 1})
//   -e '{"key": {…}}'   a JSON (or YAML flow) mapping, merged into the playbook
//   -e @file.yml        a YAML/JSON file holding a mapping, merged into the playbook
// Mappings merge key by key; any other value replaces what was there.
import { load } from 'js-yaml';
import { UsageError } from '../errors.ts';
import { loadYamlFile } from './load-yaml.ts';
import { escapePointer } from './source-map.ts';

/** A value an override set: its JSON pointer, and the option as written (`-e key=value`), blamed for it. */
export interface OverrideOrigin {
  pointer: string;
  option: string;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Applies the overrides in order; returns where each put its values, so errors blame the option. */
export function applyOverrides(data: Record<string, unknown>, overrides: string[]): OverrideOrigin[] {
  const origins: OverrideOrigin[] = [];
  for (const override of overrides) {
    const set = (pointer: string): number => origins.push({ pointer, option: `-e ${override}` });
    if (override.startsWith('@')) mergeMapping(data, mappingFromFile(override), override, '', set);
    else if (override.trimStart().startsWith('{')) mergeMapping(data, mappingFromText(override), override, '', set);
    else set(setKeyPath(data, override));
  }
  return origins;
}

function parseValue(text: string, override: string): unknown {
  try {
    return load(text, { maxDepth: 8, maxAliases: 0 });
  } catch (error) {
    throw new UsageError(`-e ${override}: not valid JSON or YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mappingFromText(override: string): Record<string, unknown> {
  const value = parseValue(override, override);
  if (!isMapping(value)) throw new UsageError(`-e ${override}: expected a mapping such as '{"constraints": {"max_parallel": 2}}'`);
  return value;
}

function mappingFromFile(override: string): Record<string, unknown> {
  const file = override.slice(1);
  if (file === '') throw new UsageError('-e @: name a file after the @ (e.g. -e @overrides.yml)');
  const { data } = loadYamlFile(file);
  if (!isMapping(data)) throw new UsageError(`-e ${override}: the file must hold a mapping of playbook keys`);
  return data;
}

function checkKey(key: string, override: string): void {
  if (FORBIDDEN_KEYS.has(key)) throw new UsageError(`-e ${override}: invalid key ${key}`);
}

function mergeMapping(target: Record<string, unknown>, source: Record<string, unknown>, override: string, at: string, set: (pointer: string) => void): void {
  for (const [key, value] of Object.entries(source)) {
    checkKey(key, override);
    const existing = target[key];
    const pointer = `${at}/${escapePointer(key)}`;
    if (isMapping(existing) && isMapping(value)) mergeMapping(existing, value, override, pointer, set);
    else {
      target[key] = value;
      set(pointer);
    }
  }
}

/** Sets one key path; returns its JSON pointer. */
function setKeyPath(data: Record<string, unknown>, override: string): string {
  const eq = override.indexOf('=');
  if (eq <= 0) {
    throw new UsageError(`-e ${override}: write -e key.path=value, -e '{"key": value}' or -e @file.yml (e.g. -e constraints.max_parallel=2)`);
  }
  const path = override.slice(0, eq).split('.');
  const value = parseValue(override.slice(eq + 1), override);
  let node: Record<string, unknown> = data;
  for (const key of path.slice(0, -1)) {
    checkKey(key, override);
    const next = node[key];
    if (next === undefined) node[key] = {};
    else if (!isMapping(next)) throw new UsageError(`-e ${override}: ${key} is not a mapping`);
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  checkKey(last, override);
  node[last] = value;
  return path.map((key) => `/${escapePointer(key)}`).join('');
}
