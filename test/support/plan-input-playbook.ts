// A planner input as a simulated playbook: the same hosts, VMs, rates, capacities and moves, so a
// seeded instance of the planner tests can be run end to end through the CLI.
import type { PlanInput } from '../../src/planner/types.ts';

export function planInputAsSimPlaybook(input: PlanInput, name: string): string {
  const lines = [`name: ${name}`, 'inventory:', '  driver: sim', '  hosts:'];
  for (const h of input.hosts) {
    lines.push(`    ${h.host}:`, `      nic_mbps: ${h.nicMbps}`);
    if (h.memoryMib !== undefined) lines.push(`      memory_mib: ${h.memoryMib}`);
    lines.push(`      background: { tx_mbps: ${h.backgroundTxMbps}, rx_mbps: ${h.backgroundRxMbps} }`);
    const vms = input.vms.filter((v) => v.host === h.host);
    if (vms.length > 0) lines.push('      vms:');
    for (const v of vms) {
      lines.push(`        ${v.vm}: { memory_mib: ${v.memoryMib}, vcpus: ${v.vcpus ?? 1}, tx_mbps: ${v.txMbps}, rx_mbps: ${v.rxMbps}, dirty_mib_per_s: ${v.dirtyMibPerS ?? 0} }`);
    }
  }
  lines.push('sampling: { duration: 2s, interval: 1s }', 'migrations:');
  for (const m of input.moves) lines.push(`  - { from: ${m.from}, to: [${m.to.join(', ')}], vms: [${m.vm}] }`);
  return `${lines.join('\n')}\n`;
}
