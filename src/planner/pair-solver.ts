// Exact solver for one source→destination pair: a Pareto-front dynamic programme over
// (source-side Mbps, destination-side Mbps), pruned by the LP (fractional) bound. Exact on real
// rates: a state is dropped only if another is at least as good on both sides (hence on the
// contending traffic too) or if its bound proves it cannot beat a complete solution already seen.
import { boundCannotBeat, isBetterKey, planKey } from './objective.ts';

export interface PairInstance {
  /** Source-side (TX) contention from everything but these VMs. */
  sourceBaseMbps: number;
  /** Destination-side (RX) contention from everything but these VMs. */
  destinationBaseMbps: number;
  txMbps: readonly number[];
  rxMbps: readonly number[];
}

/** Per VM (in the instance's order): false = pre-copy, true = post-copy. */
export function solvePair(pair: PairInstance, floorMbps: number): boolean[] {
  const n = pair.txMbps.length;
  const a = pair.sourceBaseMbps;
  const b = pair.destinationBaseMbps;
  // Most destination relief per unit of source load first: the LP optimum takes a prefix of this order.
  const order = [...Array(n).keys()].sort((i, j) => {
    const d = Math.atan2(pair.rxMbps[j]!, pair.txMbps[j]!) - Math.atan2(pair.rxMbps[i]!, pair.txMbps[i]!);
    return d !== 0 ? d : i - j;
  });
  const tx = Float64Array.from(order, (i) => pair.txMbps[i]!);
  const rx = Float64Array.from(order, (i) => pair.rxMbps[i]!);
  const txPrefix = new Float64Array(n + 1);
  const rxPrefix = new Float64Array(n + 1);
  const cheapTxSuffix = new Float64Array(n + 1);
  const cheapRxSuffix = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    txPrefix[k + 1] = txPrefix[k]! + tx[k]!;
    rxPrefix[k + 1] = rxPrefix[k]! + rx[k]!;
  }
  for (let k = n - 1; k >= 0; k--) {
    cheapTxSuffix[k] = cheapTxSuffix[k + 1]! + (tx[k]! <= rx[k]! ? tx[k]! : 0);
    cheapRxSuffix[k] = cheapRxSuffix[k + 1]! + (tx[k]! <= rx[k]! ? 0 : rx[k]!);
  }
  const rxTotal = rxPrefix[n]!;

  let bestMax = Infinity;
  let bestSum = Infinity;
  const offer = (x: number, y: number): void => {
    const max = Math.max(floorMbps, x, y);
    const sum = x - a + (y - b);
    // Completions offered here carry no post-copy count: compare on the first two terms.
    if (isBetterKey(planKey(max, sum, 0), planKey(bestMax, bestSum, 0))) {
      bestMax = max;
      bestSum = sum;
    }
  };
  // Sides after moving the items from..k−1 (in ratio order) to pre-copy, the rest post-copy.
  const xAt = (x: number, from: number, k: number): number => x + txPrefix[k]! - txPrefix[from]!;
  const yAt = (y: number, k: number): number => y + rxTotal - rxPrefix[k]!;
  // Source side x and destination side y with items from `from` on still open; returns the LP bound
  // and offers the two integral completions around the LP's crossing point and the cheapest one.
  const boundAndOffer = (x: number, y: number, from: number): number => {
    const c = rxTotal + txPrefix[from]! - (x - y);
    let lo = from;
    let hi = n + 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (txPrefix[mid]! + rxPrefix[mid]! >= c) hi = mid;
      else lo = mid + 1;
    }
    offer(x + cheapTxSuffix[from]!, y + cheapRxSuffix[from]!);
    if (lo === from) {
      offer(xAt(x, from, from), yAt(y, from));
      return Math.max(floorMbps, xAt(x, from, from), yAt(y, from));
    }
    if (lo > n) {
      offer(xAt(x, from, n), yAt(y, n));
      return Math.max(floorMbps, xAt(x, from, n), y);
    }
    const k = lo - 1;
    offer(xAt(x, from, k), yAt(y, k));
    offer(xAt(x, from, lo), yAt(y, lo));
    const theta = (yAt(y, k) - xAt(x, from, k)) / (tx[k]! + rx[k]!);
    return Math.max(floorMbps, xAt(x, from, k) + theta * tx[k]!);
  };
  const pruned = (x: number, y: number, from: number): boolean => {
    const maxBound = boundAndOffer(x, y, from);
    return boundCannotBeat(planKey(maxBound, x - a + (y - b) + cheapTxSuffix[from]! + cheapRxSuffix[from]!, 0), planKey(bestMax, bestSum, Infinity));
  };

  let xs = Float64Array.of(a);
  let ys = Float64Array.of(b);
  let posts = Int32Array.of(0);
  boundAndOffer(a, b, 0);
  const parents: Int32Array[] = [];
  const choices: Uint8Array[] = [];
  for (let k = 0; k < n; k++) {
    const size = xs.length;
    const cap = 2 * size;
    const nx = new Float64Array(cap);
    const ny = new Float64Array(cap);
    const np = new Int32Array(cap);
    const parent = new Int32Array(cap);
    const choice = new Uint8Array(cap);
    // Both successor lists stay sorted by x (pre adds a constant to x); merge them, keep the Pareto front.
    let i = 0;
    let j = 0;
    let count = 0;
    let frontY = Infinity;
    while (i < size || j < size) {
      const preX = i < size ? xs[i]! + tx[k]! : Infinity;
      const postX = j < size ? xs[j]! : Infinity;
      const preY = i < size ? ys[i]! : Infinity;
      const postY = j < size ? ys[j]! + rx[k]! : Infinity;
      const takePre = preX < postX || (preX === postX && (preY < postY || (preY === postY && posts[i]! <= posts[j]! + 1)));
      const x = takePre ? preX : postX;
      const y = takePre ? preY : postY;
      const from = takePre ? i++ : j++;
      if (y >= frontY) continue;
      // A pruned state still dominates what follows: nothing it dominates can beat the incumbent.
      frontY = y;
      if (pruned(x, y, k + 1)) continue;
      nx[count] = x;
      ny[count] = y;
      np[count] = posts[from]! + (takePre ? 0 : 1);
      parent[count] = from;
      choice[count] = takePre ? 0 : 1;
      count++;
    }
    xs = nx.subarray(0, count);
    ys = ny.subarray(0, count);
    posts = np.subarray(0, count);
    parents.push(parent.subarray(0, count));
    choices.push(choice.subarray(0, count));
  }

  let best = -1;
  for (let s = 0; s < xs.length; s++) {
    if (best < 0 || isBetter(s, best)) best = s;
  }
  function isBetter(s: number, t: number): boolean {
    const keyOf = (i: number) => planKey(Math.max(floorMbps, xs[i]!, ys[i]!), xs[i]! + ys[i]!, posts[i]!);
    return isBetterKey(keyOf(s), keyOf(t));
  }
  if (best < 0) throw new Error('pair solver: empty front (a bound pruned the optimum)');
  const postCopy: boolean[] = new Array<boolean>(n).fill(false);
  for (let k = n - 1; k >= 0; k--) {
    postCopy[order[k]!] = choices[k]![best] === 1;
    best = parents[k]![best]!;
  }
  return postCopy;
}
