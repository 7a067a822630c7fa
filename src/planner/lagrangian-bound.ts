// A lower bound on the contention still reachable from a state: for any weights π over bins
// (summing to 1), max load ≥ Σ π_b·load_b, and each remaining move adds at least min over its
// options of π_bin·weight. Good weights (near the LP dual) come from a few mirror-ascent steps.
import type { ComponentLayout } from './component-layout.ts';

export interface BinWeights {
  /** π per bin slot (zero off the suffix's bins). */
  weights: Float64Array;
  /** Σ over steps from..n−1 of min over options of π_bin·weight. */
  suffixMbps: Float64Array;
}

const ASCENT_STEPS = 60;

/** Weights tuned for the steps from `from` on, starting from `loads` (a typical state's). */
export function tuneBinWeights(layout: ComponentLayout, from: number, loads: Float64Array): BinWeights {
  const bins = layout.suffixBins[from]!;
  const weights = new Float64Array(layout.binCount);
  for (const b of bins) weights[b] = 1 / bins.length;
  let best = Float64Array.from(weights);
  let bestValue = -Infinity;
  const gradient = new Float64Array(layout.binCount);
  for (let step = 0; step < ASCENT_STEPS && bins.length > 1; step++) {
    gradient.fill(0);
    for (const b of bins) gradient[b] = loads[b]!;
    let value = 0;
    for (const b of bins) value += weights[b]! * loads[b]!;
    for (let k = from; k < layout.options.length; k++) {
      let pick = layout.options[k]![0]!;
      for (const o of layout.options[k]!) if (weights[o.slot]! * o.weightMbps < weights[pick.slot]! * pick.weightMbps) pick = o;
      gradient[pick.slot]! += pick.weightMbps;
      value += weights[pick.slot]! * pick.weightMbps;
    }
    if (value > bestValue) {
      bestValue = value;
      best = Float64Array.from(weights);
    }
    let low = Infinity;
    let high = -Infinity;
    for (const b of bins) {
      low = Math.min(low, gradient[b]!);
      high = Math.max(high, gradient[b]!);
    }
    if (high - low <= 0) break;
    const rate = 2 / Math.sqrt(step + 1);
    let total = 0;
    for (const b of bins) total += weights[b]! *= Math.exp((rate * (gradient[b]! - high)) / (high - low));
    for (const b of bins) weights[b]! /= total;
  }
  return { weights: best, suffixMbps: suffixTerms(layout, best) };
}

function suffixTerms(layout: ComponentLayout, weights: Float64Array): Float64Array {
  const n = layout.options.length;
  const suffix = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) {
    let least = Infinity;
    for (const o of layout.options[k]!) least = Math.min(least, weights[o.slot]! * o.weightMbps);
    suffix[k] = suffix[k + 1]! + least;
  }
  return suffix;
}

export function lagrangianBoundMbps(w: BinWeights, loads: Float64Array, from: number): number {
  let value = w.suffixMbps[from]!;
  for (let b = 0; b < loads.length; b++) value += w.weights[b]! * loads[b]!;
  return value;
}
