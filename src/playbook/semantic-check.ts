// Checks what a schema cannot: names that must refer to each other, and choices that contradict.
import type { SourcePosition } from '../errors.ts';
import type { RawPlaybook } from './playbook-schema.ts';
import { escapePointer, type SourceMap } from './source-map.ts';
import type { Inventory } from './types.ts';

export interface Located {
  sourceMap: SourceMap;
  /** JSON pointer of the inventory inside its file ('' for a separate file, '/inventory' inline). */
  pointer: string;
}

export type Problem = { position: SourcePosition; message: string };

export function checkPlaybookMeaning(raw: RawPlaybook, playbookMap: SourceMap, inventory: Inventory, inventoryAt: Located): Problem[] {
  const problems: Problem[] = [];
  const at = (pointer: string, atKey = false): SourcePosition => playbookMap.positionOf(pointer, atKey);
  const atHost = (host: string, suffix = ''): SourcePosition =>
    inventoryAt.sourceMap.positionOf(`${inventoryAt.pointer}/hosts/${escapePointer(host)}${suffix}`, suffix === '');
  const hostNames = new Set(inventory.hosts.map((h) => h.name));
  const known = hostNames.size > 0 ? [...hostNames].join(', ') : '(none)';

  if (hostNames.has('any')) problems.push({ position: atHost('any'), message: `"any" is reserved (to: any means every other host); rename the host` });

  // VMs the sim declares, and where; the ssh driver discovers VMs at run time instead.
  const simVmHost = new Map<string, string>();
  for (const host of inventory.hosts) {
    if (host.simVms.length > 0 && inventory.driver !== 'sim') {
      problems.push({ position: atHost(host.name, '/vms'), message: `hosts.${host.name}.vms declares VMs, which only the sim driver does; the ssh driver discovers them with virsh` });
    }
    for (const vm of host.simVms) {
      const other = simVmHost.get(vm.name);
      if (other) problems.push({ position: atHost(host.name, `/vms/${vm.name}`), message: `VM ${vm.name} is declared on ${other} and on ${host.name}; a VM runs on exactly one host` });
      else simVmHost.set(vm.name, host.name);
    }
  }

  const claimed = new Map<string, number>(); // VM (or "all@host") → migration index that claims it
  raw.migrations.forEach((m, i) => {
    const base = `/migrations/${i}`;
    if (!hostNames.has(m.from)) problems.push({ position: at(`${base}/from`), message: `unknown host ${JSON.stringify(m.from)} (inventory hosts: ${known})` });
    const targets = typeof m.to === 'string' ? (m.to === 'any' ? [] : [m.to]) : m.to;
    targets.forEach((t, j) => {
      const pointer = typeof m.to === 'string' ? `${base}/to` : `${base}/to/${j}`;
      if (!hostNames.has(t)) problems.push({ position: at(pointer), message: `unknown host ${JSON.stringify(t)} (inventory hosts: ${known})` });
      else if (t === m.from) problems.push({ position: at(pointer), message: `${t} is both the source and a destination of this migration` });
    });
    const claim = (key: string, pointer: string, label: string): void => {
      const first = claimed.get(key);
      if (first !== undefined) problems.push({ position: at(pointer), message: `${label} is already moved by migration ${first + 1}; a VM may appear in one migration only` });
      else claimed.set(key, i);
    };
    if (m.vms === undefined || m.vms === 'all') {
      claim(`all@${m.from}`, `${base}/from`, `every VM of ${m.from}`);
    } else {
      m.vms.forEach((vm, j) => {
        claim(vm, `${base}/vms/${j}`, `VM ${vm}`);
        if (claimed.get(`all@${m.from}`) !== undefined && claimed.get(`all@${m.from}`) !== i) {
          problems.push({ position: at(`${base}/vms/${j}`), message: `VM ${vm} is already moved by a "vms: all" migration from ${m.from}` });
        }
        if (inventory.driver === 'sim' && hostNames.has(m.from)) {
          const actual = simVmHost.get(vm);
          if (actual === undefined) problems.push({ position: at(`${base}/vms/${j}`), message: `unknown VM ${JSON.stringify(vm)}: no such VM in the inventory` });
          else if (actual !== m.from) problems.push({ position: at(`${base}/vms/${j}`), message: `VM ${vm} runs on ${actual}, not on ${m.from}` });
        }
      });
    }
    const allowed = raw.constraints?.modes ?? ['pre-copy', 'post-copy'];
    if (m.mode && !allowed.includes(m.mode)) problems.push({ position: at(`${base}/mode`), message: `mode ${m.mode} is not in constraints.modes (${allowed.join(', ')})` });
    if (m.mode === 'post-copy' && m.postcopy === 'deny') problems.push({ position: at(`${base}/mode`), message: 'mode post-copy contradicts postcopy: deny' });
  });

  const allowed = raw.constraints?.modes;
  if (allowed && (raw.strategy === 'pre-copy' || raw.strategy === 'post-copy') && !allowed.includes(raw.strategy)) {
    problems.push({ position: at('/strategy'), message: `strategy ${raw.strategy} is not allowed by constraints.modes (${allowed.join(', ')})` });
  }
  return problems;
}
