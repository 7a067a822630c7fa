// The planner refuses inputs it cannot satisfy (capacity, conflicting pins) with every fact needed to fix them.
import { ExitCode, TsmigError } from '../errors.ts';

export class PlanInfeasibleError extends TsmigError {
  constructor(message: string, readonly hosts: string[] = [], readonly vms: string[] = []) {
    super(message, ExitCode.invalidInputOrUnreachable);
  }
}

/** "FILE:LINE:COL: " of the playbook's migration rule a move came from, to lead a refusal about it. */
export function atRuleOf(move: { origin?: string }): string {
  return move.origin ? `${move.origin}: ` : '';
}
