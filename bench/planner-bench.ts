// Planner bench: tsmig's exact planner against the seed's brute force (2^n combinations, where
// that is feasible) and, beyond, against a second exact formulation (knapsack, integer rates).
// Side by side in one run: warm-up, then the median of a few runs for the fast cases.
import { spawnSync } from 'node:child_process';
import { bruteForcePlan } from '../test/support/brute-force.ts';
import { createDriver } from '../src/drivers/create-driver.ts';
import { buildPlanInput } from '../src/executor/build-plan-input.ts';
import { EngineEvents } from '../src/executor/engine-events.ts';
import { discoverMoves } from '../src/executor/run-workflow.ts';
import { measureTraffic } from '../src/measure/measure-traffic.ts';
import { loadPlaybook } from '../src/playbook/load-playbook.ts';
import { pairsKnapsackOptimum } from '../test/support/pair-knapsack-oracle.ts';
import { comparePlanKeys, keyOfPlan } from '../src/planner/objective.ts';
import { PlanInfeasibleError } from '../src/planner/plan-infeasible-error.ts';
import { planMigrations } from '../src/planner/plan-migrations.ts';
import { randomPlanInput, type RandomInstanceShape } from '../test/support/random-instances.ts';
import type { Plan, PlanInput } from '../src/planner/types.ts';

interface Case {
  label: string;
  shape: RandomInstanceShape;
  /** Which exact reference to compare with. */
  reference: 'brute force' | 'knapsack' | 'none';
}

const pair = (vms: number): RandomInstanceShape => ({ vms, sources: 1, destinations: 1, integerRates: true, backgroundMbps: 500 });
const CASES: Case[] = [
  ...[2, 8, 16, 20, 24].map((n): Case => ({ label: 'one pair', shape: pair(n), reference: 'brute force' })),
  ...[100, 200, 1000].map((n): Case => ({ label: 'one pair', shape: pair(n), reference: 'knapsack' })),
  // The knapsack reference is pseudo-polynomial (n × Σ tx): too slow to run at 10,000 on one pair.
  { label: 'one pair', shape: pair(10_000), reference: 'none' },
  { label: '10 pairs', shape: { vms: 1000, sources: 10, destinations: 10, pairs: true, integerRates: true, backgroundMbps: 500 }, reference: 'knapsack' },
  { label: '100 pairs', shape: { vms: 10_000, sources: 100, destinations: 100, pairs: true, integerRates: true, backgroundMbps: 500 }, reference: 'knapsack' },
  { label: '4 sources → 1 destination', shape: { vms: 16, sources: 4, destinations: 1, integerRates: true }, reference: 'brute force' },
  { label: 'hosts on both sides', shape: { vms: 16, sources: 4, destinations: 4, overlap: true, residents: 4 }, reference: 'brute force' },
  { label: 'destination choice, capacity', shape: { vms: 8, sources: 2, destinations: 3, candidates: 3, capacitySlack: 1.3 }, reference: 'brute force' },
  { label: '4 sources → 1 destination', shape: { vms: 80, sources: 4, destinations: 1 }, reference: 'none' },
  { label: 'destination choice, capacity', shape: { vms: 20, sources: 2, destinations: 3, candidates: 2, capacitySlack: 1.3 }, reference: 'none' },
  { label: 'drain to any of 3, capacity', shape: { vms: 15, sources: 1, destinations: 3, candidates: 3, capacitySlack: 1.5, residents: 3 }, reference: 'none' },
  { label: 'drain to any of 3, capacity', shape: { vms: 30, sources: 1, destinations: 3, candidates: 3, capacitySlack: 1.5, residents: 3 }, reference: 'none' },
];

/** Median wall time in ms; one run when a run takes longer than a second. */
function timeMs<T>(run: () => T): { ms: number; result: T } {
  let result = run();
  const first = (() => {
    const t = performance.now();
    result = run();
    return performance.now() - t;
  })();
  if (first > 1000) return { ms: first, result };
  const samples = [first];
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    result = run();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[2]!, result };
}

function sameOptimum(plan: Plan, input: PlanInput, reference: Case['reference']): { refMs?: number; same: string } {
  const key = keyOfPlan(plan);
  if (reference === 'brute force') {
    const t = performance.now();
    const oracle = bruteForcePlan(input);
    const refMs = performance.now() - t;
    const same = oracle !== null && comparePlanKeys(key, oracle) === 0;
    return { refMs, same: same ? 'yes' : 'NO' };
  }
  if (reference === 'knapsack') {
    const oracle = pairsKnapsackOptimum(input);
    const same = comparePlanKeys(key, oracle) === 0;
    return { same: `${same ? 'yes' : 'NO'} (knapsack)` };
  }
  return { same: plan.provenOptimal ? 'proven' : `unproven, ≥ ${plan.contentionLowerBoundMbps!.toFixed(1)}` };
}

const rows: string[][] = [['case', 'n VMs', 'hosts', 'brute force', 'tsmig', 'ratio', 'same optimum', 'contention Mbps']];
// `npm run bench -- --coupled`: only the coupled rows below.
const onlyCoupled = process.argv.includes('--coupled');
for (const c of onlyCoupled ? [] : CASES) {
  const input = randomPlanInput(2026 + c.shape.vms, c.shape);
  const { ms, result: plan } = timeMs(() => planMigrations(input));
  const { refMs, same } = sameOptimum(plan, input, c.reference);
  rows.push([
    c.label,
    String(c.shape.vms),
    String(input.hosts.length),
    refMs === undefined ? '—' : `${refMs.toFixed(1)} ms`,
    `${ms.toFixed(2)} ms`,
    refMs === undefined ? '—' : `${(refMs / ms).toFixed(0)}×`,
    same,
    plan.contentionMbps.toFixed(1),
  ]);
  console.error(`done: ${c.label} n=${c.shape.vms}`);
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, j) => cell.padEnd(widths[j]!)).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

// Coupled drains: many sources onto any of N destinations with capacity (memory 1.1–1.5× what
// moves). The planner (LP bound + local search + exact search for small groups, 10 s limit) beside
// the earlier search (greedy + beam + budgeted exact search, capped at the same 10 s), same run.
// Last, the fleet playbook (50 hosts, 1,000 VMs, 200 moves to any host): in process, new beside
// old, and end to end as `tsmig plan` (start-up, sim measurement and planning: the wall time a user waits).
const COUPLED_LIMIT_MS = 10_000;
const coupledRows: string[][] = [['coupled drain', 'n VMs', 'hosts', 'new: time', 'new: contention', 'new: proven / gap', 'old: time', 'old: contention', 'old: proven / gap', 'new vs old']];
const verdict = (p: Plan): string => (p.provenOptimal ? 'proven' : `gap ${(100 * (p.contentionGap ?? 0)).toFixed(2)} %`);
const timePlan = (input: PlanInput, legacySearch: boolean, timeLimitMs = COUPLED_LIMIT_MS) => {
  const t = performance.now();
  try {
    const plan = planMigrations(input, { timeLimitMs, legacySearch });
    return { ms: performance.now() - t, plan };
  } catch (e) {
    if (!(e instanceof PlanInfeasibleError)) throw e;
    return { ms: performance.now() - t, plan: undefined };
  }
};
function compareRow(label: string, input: PlanInput, timeLimitMs = COUPLED_LIMIT_MS): string[] {
  const fresh = timePlan(input, false, timeLimitMs);
  const vms = String(input.moves.length);
  if (!fresh.plan) return [label, vms, String(input.hosts.length), `${(fresh.ms / 1000).toFixed(3)} s`, 'refused: cannot fit', '—', '—', '—', '—', '—'];
  const old = timePlan(input, true, timeLimitMs);
  if (!old.plan) throw new Error('the earlier search refused what the planner placed');
  return [
    label,
    vms,
    String(input.hosts.length),
    `${(fresh.ms / 1000).toFixed(2)} s`,
    fresh.plan.contentionMbps.toFixed(1),
    verdict(fresh.plan),
    `${(old.ms / 1000).toFixed(2)} s`,
    old.plan.contentionMbps.toFixed(1),
    verdict(old.plan),
    `${((100 * (fresh.plan.contentionMbps - old.plan.contentionMbps)) / old.plan.contentionMbps).toFixed(2)} %`,
  ];
}
for (const vms of [50, 200, 500]) {
  for (const [destinations, slack] of [[3, 1.1], [10, 1.3], [40, 1.5]] as const) {
    const shape: RandomInstanceShape = { vms, sources: Math.max(2, Math.round(vms / 20)), destinations, candidates: destinations, capacitySlack: slack, residents: 2 * destinations, backgroundMbps: 300 };
    coupledRows.push(compareRow(`${shape.sources} → any of ${destinations}, capacity ${slack}×`, randomPlanInput(4242 + vms + destinations, shape)));
    console.error(`done: coupled n=${vms} → ${destinations}`);
  }
}
const FLEET = 'playbooks/drain-rack-any.yml';
const fleet = await fleetPlanInput(FLEET);
const fleetLimitMs = loadPlaybook(FLEET).planner.timeLimitMs;
coupledRows.push(compareRow(`fleet playbook: 10 → any of 40 (limit ${fleetLimitMs / 1000} s)`, fleet, fleetLimitMs));
console.log('');
const coupledWidths = coupledRows[0]!.map((_, i) => Math.max(...coupledRows.map((r) => r[i]!.length)));
for (const [i, r] of coupledRows.entries()) {
  console.log(r.map((cell, j) => cell.padEnd(coupledWidths[j]!)).join('  '));
  if (i === 0) console.log(coupledWidths.map((w) => '-'.repeat(w)).join('  '));
}

// End to end, as a user runs it (the built CLI: `npm run bench` builds first).
const cliStart = performance.now();
const cli = spawnSync(process.execPath, [new URL('../bin/tsmig.js', import.meta.url).pathname, 'plan', FLEET, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const cliWallS = (performance.now() - cliStart) / 1000;
if (cli.status !== 0) throw new Error(`tsmig plan ${FLEET} exited ${cli.status}: ${cli.stderr}`);
const planned = (JSON.parse(cli.stdout) as { plan: { migrations: unknown[]; proven_optimal: boolean; contention_mbps: number; contention_gap?: number } }).plan;
console.log('');
console.log(
  `tsmig plan ${FLEET}: ${cliWallS.toFixed(2)} s wall (start-up, measurement and planning), ${planned.migrations.length} of ${fleet.moves.length} VMs placed, ` +
    `contention ${planned.contention_mbps.toFixed(1)} Mbps, ${planned.proven_optimal ? 'proven optimal' : `gap ${(100 * (planned.contention_gap ?? 0)).toFixed(2)} %`}`,
);

/** The planner's input for a simulated playbook, as `tsmig plan` builds it (discovery, measurement). */
async function fleetPlanInput(file: string): Promise<PlanInput> {
  const playbook = loadPlaybook(file);
  const driver = await createDriver(playbook.inventory, () => {});
  const events = new EngineEvents();
  const { hosts, vmsByHost, resolved } = await discoverMoves(playbook, driver, events);
  const measurements = await measureTraffic(driver, hosts, playbook.sampling, events, new AbortController().signal);
  return buildPlanInput(playbook, measurements, vmsByHost, resolved.moves, playbook.strategy);
}
