// Ansible-style inventories (`all: { vars: …, hosts: …, children: { group: { hosts: … } } }`)
// → tsmig's inventory shape, so an existing Ansible inventory works with -i. Ansible's
// connection variables map onto tsmig's keys; tsmig keys pass through; other vars are dropped.
import { driverAnsibleAliases } from '../drivers/driver-options.ts';
import { inventorySchema } from './playbook-schema.ts';
import { escapePointer, type SourceMap } from './source-map.ts';

const ANSIBLE_KEYS: Record<string, string> = driverAnsibleAliases;
/** The keys a tsmig host takes: the capacity keys and every driver's (src/drivers/driver-options.ts). */
const TSMIG_HOST_KEYS = new Set(Object.keys(inventorySchema.properties.hosts.additionalProperties.properties));

type Mapping = Record<string, unknown>;
const isMapping = (x: unknown): x is Mapping => x !== null && typeof x === 'object' && !Array.isArray(x);

export function isAnsibleInventory(data: unknown): boolean {
  return isMapping(data) && isMapping(data.all) && !('hosts' in data);
}

/** Converts, and teaches the source map where each converted host came from. */
export function fromAnsibleInventory(data: Mapping, sourceMap: SourceMap): Mapping {
  const all = data.all as Mapping;
  const hosts: Mapping = {};
  const collect = (group: Mapping, pointer: string): void => {
    if (isMapping(group.hosts)) {
      for (const [name, vars] of Object.entries(group.hosts)) {
        const from = `/hosts/${escapePointer(name)}`;
        const to = `${pointer}/hosts/${escapePointer(name)}`;
        hosts[name] = { ...(hosts[name] as Mapping | undefined), ...translate(isMapping(vars) ? vars : {}) };
        for (const [ansible, tsmig] of Object.entries(ANSIBLE_KEYS)) sourceMap.alias(`${from}/${tsmig}`, `${to}/${ansible}`);
        sourceMap.alias(from, to);
      }
    }
    if (isMapping(group.children)) {
      for (const [child, g] of Object.entries(group.children)) if (isMapping(g)) collect(g, `${pointer}/children/${escapePointer(child)}`);
    }
  };
  collect(all, '/all');
  sourceMap.alias('/defaults', '/all/vars');
  const vars = isMapping(all.vars) ? all.vars : {};
  const { tsmig_driver: driver, ...hostVars } = vars;
  return { ...(driver === undefined ? {} : { driver }), defaults: translate(hostVars), hosts };
}

function translate(vars: Mapping): Mapping {
  const out: Mapping = {};
  for (const [key, value] of Object.entries(vars)) {
    const mapped = ANSIBLE_KEYS[key] ?? key;
    if (TSMIG_HOST_KEYS.has(mapped)) out[mapped] = value;
  }
  return out;
}
