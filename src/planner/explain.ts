// One short, specific sentence per migration: why this mode (and destination).
import type { PlanningProblem } from './problem.ts';

const mbps = (x: number): string => `${Number(x.toFixed(1))} Mbps`;

/** `loadMbps` = every bin's contention with all planned migrations in flight. */
export function explainChoice(problem: PlanningProblem, item: number, option: number, loadMbps: Float64Array, contentionMbps: number): string {
  const it = problem.items[item]!;
  const chosen = it.options[option]!;
  const to = problem.hostNames[chosen.destination]!;
  const candidates = [...new Set(it.options.map((o) => problem.hostNames[o.destination]!))];
  const where = it.variableDestination ? `to ${to} (of ${candidates.join(', ')})` : '';
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
