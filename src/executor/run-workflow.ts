// The pipeline, end to end: connect → discover → measure → plan → migrate → verify → report.
import type { Driver, VmInfo } from '../drivers/driver.ts';
import { ExitCode } from '../errors.ts';
import { measureTraffic } from '../measure/measure-traffic.ts';
import { planMigrations } from '../planner/plan-migrations.ts';
import type { Strategy } from '../planner/types.ts';
import type { Playbook } from '../playbook/types.ts';
import type { MigrationRecord, RunReport } from '../report/run-report.ts';
import { recapByHost, summarizeRun } from '../report/summarize-run.ts';
import { TSMIG_VERSION } from '../version.ts';
import { buildPlanInput } from './build-plan-input.ts';
import type { EngineEvents } from './engine-events.ts';
import { locateVms, resolveMoves } from './resolve-moves.ts';
import { runMigrations } from './run-migrations.ts';

export interface WorkflowOptions {
  /** Plan only; move nothing (`plan`, `run --check`). */
  check: boolean;
  strategy?: Strategy;
  limit?: string;
  stop: AbortSignal;
  abortRunning: AbortSignal;
}

export async function runWorkflow(playbook: Playbook, driver: Driver, events: EngineEvents, options: WorkflowOptions): Promise<RunReport> {
  const clock = driver.clock;
  const runStartMs = clock.nowMs();
  const startedAt = new Date().toISOString();
  const { hosts, vmsByHost, resolved } = await discoverMoves(playbook, driver, events, options.limit);
  const measurements = await stage(events, 'measure', () => measureTraffic(driver, hosts, playbook.sampling, events, options.stop));
  const strategy = options.strategy ?? playbook.strategy;
  const plan = await stage(events, 'plan', async () => planMigrations(buildPlanInput(playbook, measurements, vmsByHost, resolved.moves, strategy)));
  events.emit({ type: 'planned', plan });

  const inPlace: MigrationRecord[] = resolved.alreadyInPlace.map((a) => ({
    vm: a.vm,
    from: a.from,
    to: a.host,
    mode: 'pre-copy',
    wave: 0,
    status: 'ok',
    started_s: null,
    finished_s: null,
    duration_s: null,
    bytes: 0,
    downtime_ms: null,
    retries: 0,
    vm_on: a.host,
    reason: `already running on ${a.host}`,
    attempts: [],
  }));

  let records: MigrationRecord[] = [];
  let placement: Record<string, string[]> = {};
  if (!options.check) {
    const ctx = { driver, constraints: playbook.constraints, events, runStartMs, stop: options.stop, abortRunning: options.abortRunning };
    records = await stage(events, 'migrate', () => runMigrations(plan, ctx));
    placement = await stage(events, 'verify', () => verifyPlacement(driver, hosts, [...records, ...inPlace], events));
  }
  const all = [...inPlace, ...records];
  const summary = summarizeRun(all, (clock.nowMs() - runStartMs) / 1000);
  const interrupted = options.stop.aborted;
  return {
    tool: { name: 'tsmig', version: TSMIG_VERSION },
    playbook: { name: playbook.name, file: playbook.file },
    driver: driver.kind,
    strategy,
    check: options.check,
    started_at: startedAt,
    measurements,
    plan,
    migrations: all,
    summary,
    recap: recapByHost(all, hosts),
    placement,
    interrupted,
    exit_code: interrupted ? ExitCode.interrupted : summary.failed > 0 ? ExitCode.migrationsFailed : ExitCode.ok,
  };
}

/** Connects, lists what runs where, and turns the playbook's rules into concrete moves. */
export async function discoverMoves(playbook: Playbook, driver: Driver, events: EngineEvents, limit?: string) {
  const hosts = involvedHosts(playbook);
  await stage(events, 'connect', () => driver.connect(hosts));
  const vmsByHost = await stage(events, 'discover', () => listAll(driver, hosts));
  return { hosts, vmsByHost, resolved: resolveMoves(playbook, vmsByHost, limit) };
}

/** Sources and every possible destination, in inventory order. */
export function involvedHosts(playbook: Playbook): string[] {
  const names = new Set<string>();
  for (const m of playbook.migrations) {
    names.add(m.from);
    for (const h of m.to === 'any' ? playbook.inventory.hosts.map((x) => x.name) : m.to) names.add(h);
  }
  return playbook.inventory.hosts.map((h) => h.name).filter((h) => names.has(h));
}

async function listAll(driver: Driver, hosts: string[]): Promise<Map<string, VmInfo[]>> {
  const lists = await Promise.all(hosts.map((h) => driver.listVms(h)));
  return new Map(hosts.map((h, i) => [h, lists[i] ?? []]));
}

/** Asks the hosts where every touched VM runs now; the report trusts this over what we expected. */
async function verifyPlacement(driver: Driver, hosts: string[], records: MigrationRecord[], events: EngineEvents): Promise<Record<string, string[]>> {
  const where = locateVms(await listAll(driver, hosts));
  const placement: Record<string, string[]> = {};
  for (const r of records) {
    const on = where.get(r.vm) ?? [];
    placement[r.vm] = on;
    r.vm_on = on.length === 1 ? (on[0] ?? null) : null;
    if (on.length !== 1) {
      events.emit({ type: 'warning', message: `${r.vm} is running on ${on.length === 0 ? 'no host' : on.join(' and ')}: check it by hand (virsh list --all on ${r.from} and ${r.to})` });
    }
  }
  return placement;
}

async function stage<T>(events: EngineEvents, name: 'connect' | 'discover' | 'measure' | 'plan' | 'migrate' | 'verify', work: () => Promise<T>): Promise<T> {
  events.emit({ type: 'stage', stage: name, status: 'start' });
  const result = await work();
  events.emit({ type: 'stage', stage: name, status: 'end' });
  return result;
}
