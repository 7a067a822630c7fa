// Playbook + measurements + discovery → the planner's input. Pure.
import type { VmInfo } from '../drivers/driver.ts';
import type { Measurements } from '../measure/measurements.ts';
import type { MoveRequest, PlanInput, Strategy } from '../planner/types.ts';
import type { Playbook } from '../playbook/types.ts';
import { hiddenDemands } from './hidden-demand.ts';

export function buildPlanInput(
  playbook: Playbook,
  measurements: Measurements,
  vmsByHost: ReadonlyMap<string, VmInfo[]>,
  moves: MoveRequest[],
  strategy: Strategy,
): PlanInput {
  const measured = new Map(measurements.vms.map((v) => [v.vm, v]));
  const background = new Map(measurements.hosts.map((h) => [h.host, h]));
  const nicMbpsOf = new Map(playbook.inventory.hosts.map((h) => [h.name, h.nicMbps]));
  const hidden = new Map(
    measurements.hosts.flatMap((h) => [...hiddenDemands(h, nicMbpsOf.get(h.host) ?? Infinity, measurements.vms.filter((v) => v.host === h.host))]),
  );
  const vms = [...vmsByHost].flatMap(([host, list]) =>
    list
      .filter((vm) => vm.state === 'running' || vm.state === 'paused')
      .map((vm) => ({
        vm: vm.name,
        host,
        txMbps: measured.get(vm.name)?.txMbps ?? 0,
        rxMbps: measured.get(vm.name)?.rxMbps ?? 0,
        memoryMib: vm.memoryMib,
        vcpus: vm.vcpus,
        dirtyMibPerS: measured.get(vm.name)?.dirtyMibPerS,
        ...hidden.get(vm.name),
      })),
  );
  const hosts = playbook.inventory.hosts
    .filter((h) => vmsByHost.has(h.name))
    .map((h) => ({
      host: h.name,
      nicMbps: h.nicMbps,
      backgroundTxMbps: background.get(h.name)?.backgroundTxMbps ?? 0,
      backgroundRxMbps: background.get(h.name)?.backgroundRxMbps ?? 0,
      memoryMib: h.memoryMib,
      vcpus: h.vcpus,
    }));
  const c = playbook.constraints;
  return {
    strategy,
    objective: playbook.objective,
    hosts,
    vms,
    moves,
    limits: { maxParallel: c.maxParallel, maxOutboundPerHost: c.maxOutboundPerHost, maxInboundPerHost: c.maxInboundPerHost },
    allowedModes: c.allowedModes,
    maxDowntimeMs: c.maxDowntimeMs,
    migrationBandwidthMbps: c.bandwidthMbps,
    autoConverge: c.autoConverge,
    postcopySwitch: c.postcopySwitch,
    timeoutMs: c.timeoutMs,
    convergence: c.convergence,
  };
}
