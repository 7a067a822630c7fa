// One short, specific sentence per migration: why this mode (and destination).
import type { PlanningProblem } from './problem.ts';

const mbps = (x: number): string => `${Number(x.toFixed(1))} Mbps`;

/** `loadMbps` = every bin's contention with all planned migrations in flight. */
export function explainChoice(problem: PlanningProblem, item: number, option: number, loadMbps: Float64Array, contentionMbps: number): string {
  const it = problem.items[item]!;
  const chosen = it.options[option]!;
  const to = problem.hostNames[chosen.destination]!;
  const where = it.variableDestination ? `to ${to}${runnerUp(problem, item, chosen, loadMbps)}` : '';
  if (it.forcedReason) return [it.forcedReason, where].filter(Boolean).join('; ');
  const traffic = `${chosen.mode}${where ? ` ${where}` : ''}: sends ${mbps(it.vm.txMbps)}, receives ${mbps(it.vm.rxMbps)}`;
  const alternatives = it.options.filter((o) => o.mode !== chosen.mode);
  const alternative = alternatives.find((o) => o.destination === chosen.destination) ?? alternatives[0];
  if (!alternative) return traffic;
  const after = loadMbps[alternative.bin]! + alternative.weightMbps;
  const host = problem.hostNames[alternative.mode === 'pre-copy' ? it.source : alternative.destination]!;
  const side = alternative.mode === 'pre-copy' ? 'outbound' : 'inbound';
  const effect = after > contentionMbps + 1e-6 ? `, above the plan's ${mbps(contentionMbps)}` : chosen.weightMbps < alternative.weightMbps ? '; more contending traffic' : '';
  return `${traffic}; ${alternative.mode} would add ${mbps(alternative.weightMbps)} to ${host}'s ${side} contention (${mbps(after)}${effect})`;
}

/**
 * Names the runner-up destination, not every candidate (with `to: any` a list of 48 hosts says
 * nothing): the other destination where the same mode would leave the least contention. Only
 * post-copy loads the destination, so only then is the figure the destination's inbound.
 */
function runnerUp(problem: PlanningProblem, item: number, chosen: { destination: number; mode: string }, loadMbps: Float64Array): string {
  const it = problem.items[item]!;
  const destinations = new Set(it.options.map((o) => o.destination));
  let best: { host: string; afterMbps: number } | undefined;
  for (const o of it.options) {
    if (o.destination === chosen.destination || o.mode !== chosen.mode) continue;
    const afterMbps = loadMbps[o.bin]! + o.weightMbps;
    if (!best || afterMbps < best.afterMbps) best = { host: problem.hostNames[o.destination]!, afterMbps };
  }
  if (!best) return ` (of ${destinations.size})`;
  const figure = chosen.mode === 'post-copy' ? ` at ${mbps(best.afterMbps)} inbound` : '';
  return ` (of ${destinations.size}; runner-up ${best.host}${figure})`;
}
