// Seeded random planner inputs for the tests and the bench: pairs, shared destinations, hosts on
// both sides, destination choice with capacity. Reproducible from the seed alone.
import { createRandom } from '../../src/util/random.ts';
import type { HostTraffic, MoveRequest, PlanInput, VmTraffic } from '../../src/planner/types.ts';

export interface RandomInstanceShape {
  vms: number;
  sources: number;
  destinations: number;
  /** Candidate destinations per VM (1 = fixed). */
  candidates?: number;
  /** Destinations are also sources (hosts on both sides). */
  overlap?: boolean;
  /** Source i sends to destination i (mod count) only, instead of random destinations. */
  pairs?: boolean;
  /** Give destinations a memory capacity this many times the moving memory's fair share (undefined = unlimited). */
  capacitySlack?: number;
  /** Integer rates (as measured rates rounded for display) instead of real ones. */
  integerRates?: boolean;
  backgroundMbps?: number;
  /** VMs that stay on the sources (not moved). */
  residents?: number;
}

export function randomPlanInput(seed: number, shape: RandomInstanceShape): PlanInput {
  const random = createRandom(seed);
  const rate = (max: number): number => (shape.integerRates ? Math.floor(random() * max) : Math.round(random() * max * 1000) / 1000);
  const sourceNames = [...Array(shape.sources).keys()].map((i) => `src${i}`);
  const destinationNames = shape.overlap ? [...sourceNames].reverse() : [...Array(shape.destinations).keys()].map((i) => `dst${i}`);
  const allNames = [...new Set([...sourceNames, ...destinationNames])];
  const background = shape.backgroundMbps ?? 0;
  const hosts: HostTraffic[] = allNames.map((host) => ({ host, nicMbps: 10_000, backgroundTxMbps: rate(background), backgroundRxMbps: rate(background) }));
  const vms: VmTraffic[] = [];
  const moves: MoveRequest[] = [];
  for (let i = 0; i < shape.vms; i++) {
    const from = sourceNames[i % sourceNames.length]!;
    const vm: VmTraffic = { vm: `vm${i}`, host: from, txMbps: rate(1000), rxMbps: rate(1000), memoryMib: 1024 * (1 + Math.floor(random() * 8)), vcpus: 1 + Math.floor(random() * 4), dirtyMibPerS: Math.floor(random() * 200) };
    vms.push(vm);
    const others = destinationNames.filter((d) => d !== from);
    const want = Math.min(shape.candidates ?? 1, others.length);
    const start = shape.pairs ? (i % sourceNames.length) % others.length : Math.floor(random() * others.length);
    const to = [...Array(want).keys()].map((k) => others[(start + k) % others.length]!);
    moves.push({ vm: vm.vm, from, to, postcopyAllowed: true });
  }
  for (let i = 0; i < (shape.residents ?? 0); i++) {
    vms.push({ vm: `resident${i}`, host: allNames[i % allNames.length]!, txMbps: rate(500), rxMbps: rate(500), memoryMib: 1024 });
  }
  if (shape.capacitySlack !== undefined) {
    const movingMib = vms.filter((v) => v.vm.startsWith('vm')).reduce((s, v) => s + v.memoryMib, 0);
    for (const h of hosts) {
      const residentMib = vms.filter((v) => v.host === h.host).reduce((s, v) => s + v.memoryMib, 0);
      h.memoryMib = residentMib + Math.round((shape.capacitySlack * movingMib) / destinationNames.length);
    }
  }
  return {
    strategy: 'traffic-sensitive',
    objective: 'contention',
    hosts,
    vms,
    moves,
    limits: { maxParallel: 0, maxOutboundPerHost: 0, maxInboundPerHost: 0 },
    allowedModes: ['pre-copy', 'post-copy'],
  };
}
