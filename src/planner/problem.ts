// PlanInput → numbers: hosts by index, two contention "bins" per host, and each move's options.
import { hostContention } from './contention.ts';
import { moveModes } from './move-modes.ts';
import { atRuleOf, PlanInfeasibleError } from './plan-infeasible-error.ts';
import type { MigrationMode, MoveRequest, PlanInput, VmTraffic } from './types.ts';

/** Bin 2h = host h's source side (TX), bin 2h+1 = its destination side (RX). */
export const sourceBin = (host: number): number => 2 * host;
export const destinationBin = (host: number): number => 2 * host + 1;

export interface MoveOption {
  mode: MigrationMode;
  destination: number;
  /** The bin this option loads: the source side (pre-copy) or the destination side (post-copy). */
  bin: number;
  weightMbps: number;
}

export interface PlanItem {
  move: MoveRequest;
  vm: VmTraffic;
  source: number;
  /** Pre-copy options first, then post-copy; destinations in the playbook's order. */
  options: MoveOption[];
  forcedReason?: string;
  /** True when the options reach different destinations: capacity then depends on the choice. */
  variableDestination: boolean;
}

export interface PlanningProblem {
  hostNames: string[];
  hostIndex: ReadonlyMap<string, number>;
  /** Contention of each bin from everything but the moves. */
  baseLoadMbps: Float64Array;
  /** Capacity left for arrivals, counting every VM on the host now (Infinity = unlimited). */
  freeMemoryMib: Float64Array;
  freeVcpus: Float64Array;
  items: PlanItem[];
}

export function buildPlanningProblem(input: PlanInput): PlanningProblem {
  const hostNames = input.hosts.map((h) => h.host);
  const hostIndex = new Map(hostNames.map((name, i) => [name, i]));
  const vmByName = new Map(input.vms.map((v) => [v.vm, v]));
  const hostOf = (name: string, what: string): number => {
    const i = hostIndex.get(name);
    if (i === undefined) throw new PlanInfeasibleError(`${what}: unknown host ${name}`, [name]);
    return i;
  };
  for (const v of input.vms) hostOf(v.host, `VM ${v.vm}`);
  assertMeasuredRates(input);

  const seen = new Set<string>();
  const items = input.moves.map((move): PlanItem => {
    if (seen.has(move.vm)) throw new PlanInfeasibleError(`VM ${move.vm} is asked to move twice`, [move.from], [move.vm]);
    seen.add(move.vm);
    const vm = vmByName.get(move.vm);
    if (!vm) throw new PlanInfeasibleError(`VM ${move.vm}: not found on any host`, [move.from], [move.vm]);
    if (vm.host !== move.from) throw new PlanInfeasibleError(`${atRuleOf(move)}VM ${move.vm} runs on ${vm.host}, not on ${move.from}`, [move.from, vm.host], [move.vm]);
    const source = hostOf(move.from, `VM ${move.vm}`);
    const destinations = [...new Set(move.to)].filter((d) => d !== move.from).map((d) => hostOf(d, `VM ${move.vm}`));
    if (destinations.length === 0) throw new PlanInfeasibleError(`${atRuleOf(move)}VM ${move.vm}: no destination other than its source ${move.from}`, [move.from], [move.vm]);
    const { modes, forcedReason } = moveModes(move, input.strategy, input.allowedModes);
    const options: MoveOption[] = [];
    for (const mode of modes) {
      for (const destination of destinations) {
        options.push(
          mode === 'pre-copy'
            ? { mode, destination, bin: sourceBin(source), weightMbps: vm.txMbps }
            : { mode, destination, bin: destinationBin(destination), weightMbps: vm.rxMbps },
        );
      }
    }
    return { move, vm, source, options, forcedReason, variableDestination: destinations.length > 1 };
  });

  const moving = new Set(input.moves.map((m) => m.vm));
  const baseLoadMbps = new Float64Array(2 * hostNames.length);
  hostContention(input.hosts, input.vms.filter((v) => !moving.has(v.vm)), []).forEach((c, h) => {
    baseLoadMbps[sourceBin(h)] = c.sourceMbps;
    baseLoadMbps[destinationBin(h)] = c.destinationMbps;
  });

  const freeMemoryMib = new Float64Array(input.hosts.map((h) => h.memoryMib ?? Infinity));
  const freeVcpus = new Float64Array(input.hosts.map((h) => h.vcpus ?? Infinity));
  // During a migration the VM occupies its source too: every VM there now counts.
  for (const v of input.vms) {
    const h = hostIndex.get(v.host)!;
    freeMemoryMib[h]! -= v.memoryMib;
    freeVcpus[h]! -= v.vcpus ?? 0;
  }
  return { hostNames, hostIndex, baseLoadMbps, freeMemoryMib, freeVcpus, items };
}

/** Rates and sizes come from measurements: NaN or negative values would make any plan meaningless. */
function assertMeasuredRates(input: PlanInput): void {
  const bad = (value: number | undefined) => value !== undefined && !(Number.isFinite(value) && value >= 0);
  for (const h of input.hosts) {
    for (const key of ['nicMbps', 'backgroundTxMbps', 'backgroundRxMbps', 'memoryMib', 'vcpus'] as const) {
      if (bad(h[key])) throw new PlanInfeasibleError(`host ${h.host}: ${key} must be a finite number ≥ 0 (got ${h[key]})`, [h.host]);
    }
  }
  for (const v of input.vms) {
    for (const key of ['txMbps', 'rxMbps', 'memoryMib', 'vcpus', 'dirtyMibPerS'] as const) {
      if (bad(v[key])) throw new PlanInfeasibleError(`VM ${v.vm}: ${key} must be a finite number ≥ 0 (got ${v[key]})`, [v.host], [v.vm]);
    }
  }
}
