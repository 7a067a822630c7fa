// The seed's example as planner input, shared by the planner tests.
import type { PlanInput } from '../../src/planner/types.ts';

/** The seed's example: two co-located VMs, no background traffic. */
export function seedExample(): PlanInput {
  return {
    strategy: 'traffic-sensitive',
    objective: 'contention',
    allowedModes: ['pre-copy', 'post-copy'],
    hosts: [
      { host: 'a', nicMbps: 1000, backgroundTxMbps: 0, backgroundRxMbps: 0 },
      { host: 'b', nicMbps: 1000, backgroundTxMbps: 0, backgroundRxMbps: 0 },
    ],
    vms: [
      { vm: 'VM1', host: 'a', txMbps: 200, rxMbps: 400, memoryMib: 5120 },
      { vm: 'VM2', host: 'a', txMbps: 300, rxMbps: 500, memoryMib: 5120 },
    ],
    moves: [
      { vm: 'VM1', from: 'a', to: ['b'], postcopyAllowed: true },
      { vm: 'VM2', from: 'a', to: ['b'], postcopyAllowed: true },
    ],
    limits: { maxParallel: 0, maxOutboundPerHost: 0, maxInboundPerHost: 0 },
  };
}
