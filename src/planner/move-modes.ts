// Which modes a move may use: pins override the strategy; post-copy deny and constraints.modes bound both.
import { atRuleOf, PlanInfeasibleError } from './plan-infeasible-error.ts';
import type { MigrationMode, MoveRequest, Strategy } from './types.ts';

export interface MoveModes {
  /** Pre-copy first (the safer mode wins ties). */
  modes: MigrationMode[];
  /** Set when the modes leave no choice to the planner: why, for people. */
  forcedReason?: string;
}

export function movePermittedModes(move: MoveRequest, allowedModes: readonly MigrationMode[]): MigrationMode[] {
  const permitted: MigrationMode[] = [];
  if (allowedModes.includes('pre-copy')) permitted.push('pre-copy');
  if (allowedModes.includes('post-copy') && move.postcopyAllowed) permitted.push('post-copy');
  return permitted;
}

export function moveModes(move: MoveRequest, strategy: Strategy, allowedModes: readonly MigrationMode[]): MoveModes {
  const permitted = movePermittedModes(move, allowedModes);
  if (move.pinnedMode) {
    if (!permitted.includes(move.pinnedMode)) {
      const why = move.pinnedMode === 'post-copy' && !move.postcopyAllowed ? 'post-copy is denied for it' : `constraints.modes allows only ${allowedModes.join(', ') || 'nothing'}`;
      throw new PlanInfeasibleError(`${atRuleOf(move)}VM ${move.vm}: pinned to ${move.pinnedMode} but ${why}`, [move.from], [move.vm]);
    }
    return { modes: [move.pinnedMode], forcedReason: move.pinnedReason ?? 'pinned by playbook' };
  }
  if (permitted.length === 0) {
    throw new PlanInfeasibleError(`${atRuleOf(move)}VM ${move.vm}: no migration mode left (constraints.modes: ${allowedModes.join(', ') || 'none'}; post-copy denied)`, [move.from], [move.vm]);
  }
  const only = permitted.length === 1 ? permitted[0]! : undefined;
  const restriction = (mode: MigrationMode): string =>
    mode === 'pre-copy' && allowedModes.includes('post-copy') ? 'post-copy denied for this VM' : `constraints.modes allows only ${mode}`;
  if (strategy === 'traffic-sensitive') return only ? { modes: [only], forcedReason: restriction(only) } : { modes: permitted };
  if (permitted.includes(strategy)) return { modes: [strategy], forcedReason: `strategy ${strategy}` };
  const fallback = permitted[0]!;
  return { modes: [fallback], forcedReason: `${restriction(fallback)} (strategy ${strategy})` };
}
