// A coupled group's incumbent: greedy (least resulting load, capacity respected), then local search
// — single moves, and ejections (a move blocked by a full host or a full side goes through once
// another move makes room) — in three stages: lower the max load (then the number of sides at it,
// then the sum of squared loads), lower the contending traffic without raising the max, then the
// post-copies. Heuristic: it proves nothing; the LP bound says how far it may be from the best.
import type { ComponentLayout } from './component-layout.ts';
import { compareMbps, MBPS_TOLERANCE, planKey, type PlanKey } from './objective.ts';

const CAPACITY_EPSILON = 1e-9;
const EJECTION_TRIES = 4;

export class CoupledState {
  readonly choice: Int32Array;
  readonly loads: Float64Array;
  readonly memoryMib: Float64Array;
  readonly vcpus: Float64Array;
  /** Where the local search's scan goes on from (it goes round the steps). */
  cursor = 0;

  constructor(readonly layout: ComponentLayout, readonly floorMbps: number) {
    this.choice = new Int32Array(layout.options.length).fill(-1);
    this.loads = Float64Array.from(layout.initialLoadMbps);
    this.memoryMib = new Float64Array(layout.capacityCount);
    this.vcpus = new Float64Array(layout.capacityCount);
    this.slotMembers = Array.from({ length: layout.binCount }, () => new Members(layout.options.length));
    this.capacityMembers = Array.from({ length: layout.capacityCount }, () => new Members(layout.options.length));
  }

  /** The steps whose option loads bin slot `slot`, or charges capacity slot `c` (an ejection's candidates). */
  readonly slotMembers: Members[];
  readonly capacityMembers: Members[];

  /** True when step k may take option oi as far as capacity goes (its own current use released). */
  fits(k: number, oi: number): boolean {
    const c = this.layout.options[k]![oi]!.capacitySlot;
    if (c < 0) return true;
    const current = this.choice[k]! >= 0 ? this.layout.options[k]![this.choice[k]!]!.capacitySlot : -1;
    if (current === c) return true;
    return this.memoryMib[c]! + this.layout.memoryNeedMib[k]! <= this.layout.freeMemoryMib[c]! + CAPACITY_EPSILON && this.vcpus[c]! + this.layout.vcpuNeed[k]! <= this.layout.freeVcpus[c]! + CAPACITY_EPSILON;
  }

  capacityOk(c: number): boolean {
    return c < 0 || (this.memoryMib[c]! <= this.layout.freeMemoryMib[c]! + CAPACITY_EPSILON && this.vcpus[c]! <= this.layout.freeVcpus[c]! + CAPACITY_EPSILON);
  }

  /** Step k takes option oi (−1: none), capacity unchecked. */
  set(k: number, oi: number): void {
    const was = this.choice[k]!;
    if (was >= 0) this.apply(k, was, -1);
    this.choice[k] = oi;
    if (oi >= 0) this.apply(k, oi, 1);
  }

  private apply(k: number, oi: number, sign: 1 | -1): void {
    const o = this.layout.options[k]![oi]!;
    this.loads[o.slot]! += sign * o.weightMbps;
    if (sign > 0) this.slotMembers[o.slot]!.add(k);
    else this.slotMembers[o.slot]!.remove(k);
    if (o.capacitySlot >= 0) {
      if (sign > 0) this.capacityMembers[o.capacitySlot]!.add(k);
      else this.capacityMembers[o.capacitySlot]!.remove(k);
      this.memoryMib[o.capacitySlot]! += sign * this.layout.memoryNeedMib[k]!;
      this.vcpus[o.capacitySlot]! += sign * this.layout.vcpuNeed[k]!;
    }
  }

  maxLoadMbps(): number {
    let max = this.floorMbps;
    for (let s = 0; s < this.loads.length; s++) if (this.loads[s]! > max) max = this.loads[s]!;
    return max;
  }

  key(): PlanKey {
    let sum = 0;
    let posts = 0;
    this.choice.forEach((oi, k) => {
      const o = this.layout.options[k]![oi]!;
      sum += o.weightMbps;
      if (o.postCopy) posts++;
    });
    return planKey(this.maxLoadMbps(), sum, posts);
  }

  restore(choice: Int32Array): void {
    this.choice.forEach((_, k) => this.set(k, -1));
    choice.forEach((oi, k) => this.set(k, oi));
  }
}

/** Greedy: largest moves first, each on the fitting option with the least resulting load. False if one fits nowhere. */
export function greedyAssign(state: CoupledState): boolean {
  const { options, memoryNeedMib } = state.layout;
  const heaviest = (k: number): number => Math.max(...options[k]!.map((o) => o.weightMbps));
  // Capacity-bound moves first, biggest memory first (first-fit decreasing), then by weight.
  const order = [...options.keys()].sort((x, y) => memoryNeedMib[y]! - memoryNeedMib[x]! || heaviest(y) - heaviest(x) || x - y);
  for (const k of order) {
    let pick = -1;
    let pickLoad = Infinity;
    options[k]!.forEach((o, oi) => {
      if (!state.fits(k, oi)) return;
      const load = state.loads[o.slot]! + o.weightMbps;
      if (compareMbps(load, pickLoad) < 0) {
        pick = oi;
        pickLoad = load;
      }
    });
    if (pick < 0 && !ejectFor(state, k)) return false;
    if (pick >= 0) state.set(k, pick);
  }
  return true;
}

/**
 * LP-guided rounding: every step on its option the LP leans to most (`primal`, per step and option)
 * that fits, biggest memory first; ties and steps the LP left split go where the load stays least.
 * False if a step fits nowhere.
 */
export function roundAssign(state: CoupledState, primal: readonly Float64Array[]): boolean {
  const { options, memoryNeedMib } = state.layout;
  state.choice.forEach((_, k) => state.set(k, -1));
  const order = [...options.keys()].sort((x, y) => memoryNeedMib[y]! - memoryNeedMib[x]! || Math.max(...primal[y]!) - Math.max(...primal[x]!) || x - y);
  for (const k of order) {
    let pick = -1;
    let pickShare = -1;
    let pickLoad = Infinity;
    options[k]!.forEach((o, oi) => {
      if (!state.fits(k, oi)) return;
      // Shares within a few percent are a tie: the load decides.
      const share = Math.round(primal[k]![oi]! * 20);
      const load = state.loads[o.slot]! + o.weightMbps;
      if (share > pickShare || (share === pickShare && compareMbps(load, pickLoad) < 0)) {
        pick = oi;
        pickShare = share;
        pickLoad = load;
      }
    });
    if (pick < 0 && !ejectFor(state, k)) return false;
    if (pick >= 0) state.set(k, pick);
  }
  return true;
}

/** Places unplaced step k by moving one placed step to another host with room (capacity only). */
function ejectFor(state: CoupledState, k: number): boolean {
  const { options } = state.layout;
  for (let oi = 0; oi < options[k]!.length; oi++) {
    const c = options[k]![oi]!.capacitySlot;
    for (let j = 0; j < options.length; j++) {
      if (j === k || state.choice[j]! < 0 || options[j]![state.choice[j]!]!.capacitySlot !== c) continue;
      const was = state.choice[j]!;
      for (let oj = 0; oj < options[j]!.length; oj++) {
        if (options[j]![oj]!.capacitySlot === c || !state.fits(j, oj)) continue;
        state.set(j, oj);
        if (state.fits(k, oi)) {
          state.set(k, oi);
          return true;
        }
        state.set(j, was);
      }
    }
  }
  return false;
}

/** Which stage the search serves: what counts as better, and how high loads may go. */
export interface Stage {
  /** 'target': bring every side down to limitMbps (least total overflow above it). */
  kind: 'max' | 'target' | 'sum' | 'posts';
  /** Stages 'sum' and 'posts': no side may exceed this; stage 'target': the level to reach. */
  limitMbps: number;
}

const overflow = (load: number, limit: number): number => Math.max(0, load - limit);

/**
 * Local search to a local optimum of the stage. Returns the number of moves made. `budget` counts
 * option evaluations; the caller checks its clock between calls.
 */
export function improve(state: CoupledState, stage: Stage, budget: number): { moves: number; exhausted: boolean } {
  const { options } = state.layout;
  const n = options.length;
  // An ejection looks at every other step's options.
  const ejectionWork = options.reduce((sum, opts) => sum + opts.length, 0);
  let moves = 0;
  let work = 0;
  /** Step k's best single move, else an ejection; true when it made one. */
  const tryStep = (k: number, max: number): boolean => {
    const cur = state.choice[k]!;
    let best = -1;
    let bestScore = 0;
    const blocked: number[] = [];
    for (let oi = 0; oi < options[k]!.length; oi++) {
      if (oi === cur) continue;
      work++;
      const score = gain(state, stage, max, k, oi);
      // Blocked by capacity, or by the load it would add where it lands: another move may make room.
      if (score === undefined || !state.fits(k, oi)) {
        if (options[k]![oi]!.slot !== options[k]![cur]!.slot || score !== undefined) blocked.push(oi);
        continue;
      }
      if (score < bestScore) {
        best = oi;
        bestScore = score;
      }
    }
    if (best >= 0) {
      state.set(k, best);
      return true;
    }
    // Ejections cost a pass over the other steps: only for a step on a side at the max (stage
    // 'max'), and only its few most promising blocked options.
    const hot = stage.kind === 'target' ? stage.limitMbps : max;
    if ((stage.kind === 'max' || stage.kind === 'target') && compareMbps(state.loads[options[k]![cur]!.slot]!, hot) < 0) return false;
    const landing = (oi: number): number => state.loads[options[k]![oi]!.slot]! + options[k]![oi]!.weightMbps;
    // The tie-break stages only eject for a step that itself gets better: the pass stays near linear.
    const from = options[k]![cur]!;
    const worthIt = (oi: number): boolean => {
      const to = options[k]![oi]!;
      if (stage.kind === 'sum') return compareMbps(to.weightMbps, from.weightMbps) < 0;
      if (stage.kind === 'posts') return from.postCopy && !to.postCopy && compareMbps(to.weightMbps, from.weightMbps) <= 0;
      return true;
    };
    const tries = blocked.filter(worthIt).sort((x, y) => landing(x) - landing(y));
    for (const oi of tries.slice(0, EJECTION_TRIES)) {
      work += ejectionWork;
      if (ejectAndMove(state, stage, max, k, oi)) return true;
    }
    return false;
  };
  // The scan goes round from where the last call stopped (a budget-cut call loses no ground) and
  // ends at a local optimum: every step looked at once since the last move.
  for (let idle = 0; idle < n; ) {
    if (work > budget) return { moves, exhausted: true };
    const max = state.maxLoadMbps();
    if (stage.kind === 'max' && compareMbps(max, state.floorMbps) <= 0) return { moves, exhausted: false };
    if (stage.kind === 'target' && compareMbps(max, stage.limitMbps) <= 0) return { moves, exhausted: false };
    const k = state.cursor;
    state.cursor = (k + 1) % n;
    if (tryStep(k, max)) {
      moves++;
      idle = 0;
    } else {
      idle++;
    }
  }
  return { moves, exhausted: false };
}

/**
 * How much better (negative) the stage gets if step k takes option oi, capacity aside; undefined
 * when it is not better or would break the stage's limit.
 */
function gain(state: CoupledState, stage: Stage, max: number, k: number, oi: number): number | undefined {
  const { options } = state.layout;
  const from = options[k]![state.choice[k]!]!;
  const to = options[k]![oi]!;
  const a = from.slot;
  const b = to.slot;
  const la = state.loads[a]!;
  const lb = state.loads[b]!;
  const newA = a === b ? la - from.weightMbps + to.weightMbps : la - from.weightMbps;
  const newB = a === b ? newA : lb + to.weightMbps;
  if (stage.kind === 'target') {
    const t = stage.limitMbps;
    const d = a === b ? overflow(newA, t) - overflow(la, t) : overflow(newA, t) - overflow(la, t) + overflow(newB, t) - overflow(lb, t);
    if (compareMbps(d, 0) < 0) return d * 1e12;
    if (compareMbps(d, 0) > 0) return undefined;
    const squares = a === b ? newA * newA - la * la : newA * newA - la * la + newB * newB - lb * lb;
    return compareMbps(squares, 0) < 0 ? squares : undefined;
  }
  if (stage.kind === 'max') {
    if (compareMbps(newB, max) >= 0 && newB > lb) return undefined;
    if (a === b && compareMbps(newA, la) >= 0) return undefined;
    const critical = compareMbps(la, max) >= 0 && compareMbps(newA, max) < 0;
    const squares = a === b ? newA * newA - la * la : newA * newA - la * la + newB * newB - lb * lb;
    if (critical) return -1e300 + squares;
    return compareMbps(squares, 0) < 0 ? squares : undefined;
  }
  if (newB > lb && compareMbps(newB, stage.limitMbps) > 0) return undefined;
  const dw = to.weightMbps - from.weightMbps;
  if (stage.kind === 'sum') return compareMbps(dw, 0) < 0 ? dw : undefined;
  return compareMbps(dw, 0) === 0 && from.postCopy && !to.postCopy ? -1 : undefined;
}

/**
 * Step k to option oi, which capacity or the stage's limit blocks, after moving one other step j
 * out of the way; kept only if the pair together is better for the stage and breaks no limit.
 */
function ejectAndMove(state: CoupledState, stage: Stage, max: number, k: number, oi: number): boolean {
  const { options } = state.layout;
  const target = options[k]![oi]!;
  const c = target.capacitySlot;
  const kWas = state.choice[k]!;
  const kFrom = options[k]![kWas]!;
  const limit = stage.kind === 'max' ? max : stage.limitMbps;
  const { memoryNeedMib, vcpuNeed, freeMemoryMib, freeVcpus } = state.layout;
  const slots: number[] = [];
  const before: number[] = [];
  const delta: number[] = [];
  // Only a step sharing what blocks k helps: the full host, or the full side (copied: moves change them).
  const candidates = [...state.slotMembers[target.slot]!.list, ...(c >= 0 ? state.capacityMembers[c]!.list : [])];
  for (const [ci, j] of candidates.entries()) {
    if (j === k) continue;
    const jWas = state.choice[j]!;
    const jFrom = options[j]![jWas]!;
    if (!(c >= 0 && jFrom.capacitySlot === c) && jFrom.slot !== target.slot) continue;
    // A step both on the side and on the host is listed twice: try it once.
    if (ci >= state.slotMembers[target.slot]!.list.length && jFrom.slot === target.slot) continue;
    for (let oj = 0; oj < options[j]!.length; oj++) {
      if (oj === jWas) continue;
      const jTo = options[j]![oj]!;
      const dw = target.weightMbps - kFrom.weightMbps + jTo.weightMbps - jFrom.weightMbps;
      if (stage.kind === 'sum' && compareMbps(dw, 0) >= 0) continue;
      if (stage.kind === 'posts' && (compareMbps(dw, 0) > 0 || Number(target.postCopy) + Number(jTo.postCopy) >= Number(kFrom.postCopy) + Number(jFrom.postCopy))) continue;
      // Evaluated from the deltas, not by making the moves: most pairs are rejected.
      slots.length = 0;
      before.length = 0;
      delta.length = 0;
      const shift = (x: number, d: number): void => {
        const at = slots.indexOf(x);
        if (at >= 0) {
          delta[at]! += d;
          return;
        }
        slots.push(x);
        before.push(state.loads[x]!);
        delta.push(d);
      };
      shift(kFrom.slot, -kFrom.weightMbps);
      shift(target.slot, target.weightMbps);
      shift(jFrom.slot, -jFrom.weightMbps);
      shift(jTo.slot, jTo.weightMbps);
      const fitsAfter = (x: number): boolean => {
        if (x < 0) return true;
        let mib = state.memoryMib[x]!;
        let cpus = state.vcpus[x]!;
        const moved = (step: number, sign: number): void => {
          mib += sign * memoryNeedMib[step]!;
          cpus += sign * vcpuNeed[step]!;
        };
        if (kFrom.capacitySlot === x) moved(k, -1);
        if (c === x) moved(k, 1);
        if (jFrom.capacitySlot === x) moved(j, -1);
        if (jTo.capacitySlot === x) moved(j, 1);
        return mib <= freeMemoryMib[x]! + CAPACITY_EPSILON && cpus <= freeVcpus[x]! + CAPACITY_EPSILON;
      };
      let ok = fitsAfter(c) && fitsAfter(jTo.capacitySlot) && fitsAfter(kFrom.capacitySlot);
      let atMax = 0;
      let squares = 0;
      let over = 0;
      for (let i = 0; ok && i < slots.length; i++) {
        const was = before[i]!;
        const now = was + delta[i]!;
        if (stage.kind !== 'target' && now > was + MBPS_TOLERANCE && (stage.kind === 'max' ? compareMbps(now, limit) >= 0 : compareMbps(now, limit) > 0)) ok = false;
        atMax += Number(compareMbps(now, max) >= 0) - Number(compareMbps(was, max) >= 0);
        squares += now * now - was * was;
        over += overflow(now, limit) - overflow(was, limit);
      }
      const better =
        stage.kind === 'target' ? compareMbps(over, 0) < 0 || (compareMbps(over, 0) === 0 && compareMbps(squares, 0) < 0)
        : stage.kind !== 'max' || atMax < 0 || (atMax === 0 && compareMbps(squares, 0) < 0);
      if (ok && better) {
        state.set(j, oj);
        state.set(k, oi);
        return true;
      }
    }
  }
  return false;
}

/** Random kick for iterated local search: `count` steps onto random fitting options. */
export function perturb(state: CoupledState, random: () => number, count: number): void {
  const { options } = state.layout;
  for (let i = 0; i < count; i++) {
    const k = Math.floor(random() * options.length);
    const oi = Math.floor(random() * options[k]!.length);
    if (oi !== state.choice[k] && state.fits(k, oi)) state.set(k, oi);
  }
}

/** A set of steps with O(1) add and remove, listed in no particular order. */
class Members {
  readonly list: number[] = [];
  private readonly at: Int32Array;

  constructor(steps: number) {
    this.at = new Int32Array(steps).fill(-1);
  }

  add(k: number): void {
    this.at[k] = this.list.length;
    this.list.push(k);
  }

  remove(k: number): void {
    const i = this.at[k]!;
    const last = this.list.pop()!;
    if (last !== k) {
      this.list[i] = last;
      this.at[last] = i;
    }
    this.at[k] = -1;
  }
}
