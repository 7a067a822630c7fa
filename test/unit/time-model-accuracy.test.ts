// The plan's time estimate against what the simulator then measures, on random small drains with
// measurement noise: the model must predict, not just rank.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { createRandom } from '../../src/util/random.ts';
import { runSim } from '../helpers/run-sim.ts';
import { writeTemp } from '../helpers/temp-files.ts';

function randomDrain(seed: number): string {
  const random = createRandom(seed);
  const pick = (lo: number, hi: number): number => Math.round(lo + (hi - lo) * random());
  const hosts = pick(2, 4);
  const vms = Array.from({ length: pick(2, 6) }, (_, i) => {
    const sender = random() < 0.5;
    const big = pick(50, 600);
    const small = pick(0, 60);
    return `        vm${i}: { memory_mib: ${pick(2, 16) * 256}, tx_mbps: ${sender ? big : small}, rx_mbps: ${sender ? small : big}, dirty_mib_per_s: ${pick(0, 30)} }`;
  });
  const others = Array.from({ length: hosts - 1 }, (_, i) => `    h${i + 1}: { background: { tx_mbps: ${pick(0, 200)}, rx_mbps: ${pick(0, 200)} } }`);
  const to = hosts === 2 || random() < 0.5 ? 'h1' : `[${others.map((_, i) => `h${i + 1}`).join(', ')}]`;
  return `name: drain ${seed}
inventory:
  driver: sim
  defaults: { nic_mbps: ${[1000, 1000, 2500, 10000][pick(0, 3)]} }
  sim: { noise: ${(pick(0, 10) / 100).toFixed(2)}, seed: ${seed} }
  hosts:
    h0:
      background: { tx_mbps: ${pick(0, 150)}, rx_mbps: ${pick(0, 150)} }
      vms:
${vms.join('\n')}
${others.join('\n')}
sampling: { duration: 5s, interval: 1s }
migrations: [{ from: h0, to: ${to}, vms: all }]
constraints: { max_parallel: ${pick(1, 4)}, max_downtime: 300ms, timeout: 30m, retries: 0 }
`;
}

test('over 50 random simulated drains the estimate is within 10 % (median) and 25 % (max) of the simulated time', async (t) => {
  const errors: number[] = [];
  for (let seed = 1; seed <= 50; seed++) {
    const { report } = await runSim(loadPlaybook(writeTemp(randomDrain(seed))));
    assert.equal(report.exit_code, 0, `drain ${seed}: ${report.migrations.map((m) => m.error).filter(Boolean).join('; ')}`);
    const estimatedS = report.plan.estimatedTotalTimeS!;
    const simulatedS = report.summary.total_migration_time_s;
    errors.push(Math.abs(estimatedS - simulatedS) / simulatedS);
  }
  errors.sort((a, b) => a - b);
  const median = errors[errors.length >> 1]!;
  const max = errors.at(-1)!;
  t.diagnostic(`estimate vs simulated over 50 drains: median ${(100 * median).toFixed(2)} %, max ${(100 * max).toFixed(2)} %`);
  assert.ok(median <= 0.1, `median error ${(100 * median).toFixed(1)} %`);
  assert.ok(max <= 0.25, `max error ${(100 * max).toFixed(1)} %`);
});
