import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

/** 10 hosts, 100 VMs, noise and every kind of fault: what a seed has to pin down. */
function chaosPlaybook(seed: number): string {
  const hosts: string[] = [];
  for (let h = 0; h < 10; h++) {
    const vms = Array.from({ length: 10 }, (_, k) => {
      const n = h * 10 + k;
      return `v${n}: { memory_mib: ${512 + (n % 5) * 512}, tx_mbps: ${(n * 37) % 400}, rx_mbps: ${(n * 53) % 400}, dirty_mib_per_s: ${n % 7} }`;
    });
    hosts.push(`    h${h}: { background: { tx_mbps: ${40 * h}, rx_mbps: ${30 * h} }, vms: { ${vms.join(', ')} } }`);
  }
  return `name: determinism
inventory:
  driver: sim
  defaults: { nic_mbps: 2000 }
  sim: { seed: ${seed}, noise: 0.1, faults: { migration_failure_rate: 0.15, link_cut_rate: 0.1, link_outage: 10s, host_outage_rate: 0.2, host_outage: 30s } }
  hosts:
${hosts.join('\n')}
sampling: { duration: 5s, interval: 1s }
migrations:
  - { from: h0, to: h5 }
  - { from: h1, to: h6 }
  - { from: h2, to: h7 }
  - { from: h3, to: h8 }
  - { from: h4, to: h9 }
constraints: { max_parallel: 12, retries: 2, retry_delay: 5s, timeout: 5m }
`;
}

/** The report without the wall-clock start time, the one field a seed cannot fix. */
async function reportFor(file: string): Promise<string> {
  const { report } = await runSim(loadPlaybook(file));
  const { started_at: _startedAt, ...rest }: RunReport = report;
  return JSON.stringify(rest);
}

test('sim determinism: the same playbook and seed give the same report, byte for byte; another seed another one', async () => {
  const file = writeTemp(chaosPlaybook(5), 'chaos-5.yml');
  const first = await reportFor(file);
  assert.equal(await reportFor(file), first);
  const report = JSON.parse(first) as RunReport;
  assert.ok(report.migrations.some((m) => m.retries > 0), 'faults were injected');
  assert.notEqual(await reportFor(writeTemp(chaosPlaybook(6), 'chaos-6.yml')), first);
});
