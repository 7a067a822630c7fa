// A certified lower bound on a coupled group's contention: the Lagrangian dual of its LP
// relaxation (min z; every move takes one option; each host side's load ≤ z; each destination's
// memory and vCPUs hold what lands there). For any weights π ≥ 0 on the host sides and the floor
// (Σ π = 1) and prices μ, ν ≥ 0 on capacity, L(π, μ, ν) ≤ LP optimum ≤ best plan; the dual is
// maximised by projected subgradient steps (Polyak steps towards the incumbent). Options a move
// cannot take even alone (too big for the host) are left out, which only tightens the bound.
import type { ComponentLayout } from './component-layout.ts';

const CAPACITY_EPSILON = 1e-9;
/** Steps without a relative gain above this count as no progress. */
const PROGRESS = 1e-5;
/** This many steps in a row without progress: the bound has converged as far as it will. */
const STALL_STEPS = 200;
/** Weight kept per step in the running average of the options picked (the primal estimate). */
const PRIMAL_DECAY = 0.97;

export class LpBound {
  /** Best certified bound so far (Mbps). */
  boundMbps: number;
  private readonly pi: Float64Array;
  private piFloor: number;
  private readonly mu: Float64Array;
  private readonly nu: Float64Array;
  private readonly memoryCoef: Float64Array[];
  private readonly vcpuCoef: Float64Array[];
  private readonly usable: Uint8Array[];
  private readonly scaleMbps: number;
  private theta = 1;
  private sinceImprovement = 0;
  private sinceProgress = 0;
  /**
   * Per step and option, a decaying average of how often the subproblem picked it: the subgradient
   * method's primal estimate of the LP solution, which guides the rounding to a plan.
   */
  readonly primal: Float64Array[];

  constructor(private readonly layout: ComponentLayout, private readonly floorMbps: number, upperMbps: number) {
    const slots = layout.binCount;
    this.pi = new Float64Array(slots).fill(1 / (slots + 1));
    this.piFloor = 1 / (slots + 1);
    this.mu = new Float64Array(layout.capacityCount);
    this.nu = new Float64Array(layout.capacityCount);
    this.scaleMbps = Math.max(upperMbps, floorMbps, 1);
    this.boundMbps = floorMbps;
    this.memoryCoef = [];
    this.vcpuCoef = [];
    this.usable = [];
    layout.options.forEach((opts, k) => {
      const m = new Float64Array(opts.length);
      const v = new Float64Array(opts.length);
      const ok = new Uint8Array(opts.length);
      opts.forEach((o, oi) => {
        const c = o.capacitySlot;
        if (c < 0) {
          ok[oi] = 1;
          return;
        }
        const freeMib = layout.freeMemoryMib[c]!;
        const freeVcpus = layout.freeVcpus[c]!;
        if (layout.memoryNeedMib[k]! > freeMib + CAPACITY_EPSILON || layout.vcpuNeed[k]! > freeVcpus + CAPACITY_EPSILON) return;
        ok[oi] = 1;
        m[oi] = Number.isFinite(freeMib) && freeMib > 0 ? (this.scaleMbps * layout.memoryNeedMib[k]!) / freeMib : 0;
        v[oi] = Number.isFinite(freeVcpus) && freeVcpus > 0 ? (this.scaleMbps * layout.vcpuNeed[k]!) / freeVcpus : 0;
      });
      this.memoryCoef.push(m);
      this.vcpuCoef.push(v);
      this.usable.push(ok);
    });
    this.primal = layout.options.map((opts) => new Float64Array(opts.length));
  }

  /** True once the steps stopped raising the bound: more of them would be time lost. */
  get stalled(): boolean {
    return this.sinceProgress >= STALL_STEPS || this.boundMbps === Infinity;
  }

  /** `count` subgradient steps towards `targetMbps` (an upper bound: the incumbent's contention). */
  iterate(count: number, targetMbps: number): void {
    const { layout } = this;
    const slots = layout.binCount;
    const caps = layout.capacityCount;
    const gradient = new Float64Array(slots);
    const gMu = new Float64Array(caps);
    const gNu = new Float64Array(caps);
    for (let step = 0; step < count; step++) {
      gradient.set(layout.initialLoadMbps);
      gMu.fill(-this.scaleMbps);
      gNu.fill(-this.scaleMbps);
      let value = this.piFloor * this.floorMbps;
      for (let s = 0; s < slots; s++) value += this.pi[s]! * layout.initialLoadMbps[s]!;
      for (let c = 0; c < caps; c++) value -= this.scaleMbps * (this.mu[c]! + this.nu[c]!);
      for (let k = 0; k < layout.options.length; k++) {
        const opts = layout.options[k]!;
        const m = this.memoryCoef[k]!;
        const v = this.vcpuCoef[k]!;
        const ok = this.usable[k]!;
        let pick = -1;
        let least = Infinity;
        for (let oi = 0; oi < opts.length; oi++) {
          if (!ok[oi]) continue;
          const o = opts[oi]!;
          const c = o.capacitySlot;
          const cost = this.pi[o.slot]! * o.weightMbps + (c >= 0 ? this.mu[c]! * m[oi]! + this.nu[c]! * v[oi]! : 0);
          if (cost < least) {
            least = cost;
            pick = oi;
          }
        }
        if (pick < 0) {
          // No option fits even alone: no plan exists; the capacity check refuses such input first.
          this.boundMbps = Infinity;
          return;
        }
        value += least;
        const seen = this.primal[k]!;
        for (let oi = 0; oi < seen.length; oi++) seen[oi]! *= PRIMAL_DECAY;
        seen[pick]! += 1 - PRIMAL_DECAY;
        const o = opts[pick]!;
        gradient[o.slot]! += o.weightMbps;
        if (o.capacitySlot >= 0) {
          gMu[o.capacitySlot]! += m[pick]!;
          gNu[o.capacitySlot]! += v[pick]!;
        }
      }
      if (value > this.boundMbps + PROGRESS * Math.max(1, this.boundMbps)) this.sinceProgress = 0;
      else this.sinceProgress++;
      if (value > this.boundMbps + 1e-9 * Math.max(1, this.boundMbps)) {
        this.boundMbps = value;
        this.sinceImprovement = 0;
      } else if (++this.sinceImprovement >= 20) {
        this.theta = Math.max(this.theta / 2, 1e-6);
        this.sinceImprovement = 0;
      }
      // Projected direction: on the simplex, the gradient less its mean; prices stay ≥ 0.
      let mean = this.floorMbps;
      for (let s = 0; s < slots; s++) mean += gradient[s]!;
      mean /= slots + 1;
      let norm = (this.floorMbps - mean) ** 2;
      for (let s = 0; s < slots; s++) norm += (gradient[s]! - mean) ** 2;
      for (let c = 0; c < caps; c++) {
        if (this.mu[c]! > 0 || gMu[c]! > 0) norm += gMu[c]! ** 2;
        if (this.nu[c]! > 0 || gNu[c]! > 0) norm += gNu[c]! ** 2;
      }
      if (norm <= 1e-18) return;
      const t = (this.theta * Math.max(targetMbps - value, 1e-6 * Math.max(1, targetMbps))) / norm;
      const point = new Float64Array(slots + 1);
      for (let s = 0; s < slots; s++) point[s] = this.pi[s]! + t * gradient[s]!;
      point[slots] = this.piFloor + t * this.floorMbps;
      projectOntoSimplex(point);
      this.pi.set(point.subarray(0, slots));
      this.piFloor = point[slots]!;
      for (let c = 0; c < caps; c++) {
        this.mu[c] = Math.max(0, this.mu[c]! + t * gMu[c]!);
        this.nu[c] = Math.max(0, this.nu[c]! + t * gNu[c]!);
      }
    }
  }
}

/** Euclidean projection onto { x ≥ 0, Σ x = 1 }, in place. */
function projectOntoSimplex(x: Float64Array): void {
  const sorted = Float64Array.from(x).sort().reverse();
  let sum = 0;
  let tau = 0;
  for (let i = 0; i < sorted.length; i++) {
    sum += sorted[i]!;
    const candidate = (sum - 1) / (i + 1);
    if (sorted[i]! - candidate > 0) tau = candidate;
  }
  for (let i = 0; i < x.length; i++) x[i] = Math.max(0, x[i]! - tau);
}
