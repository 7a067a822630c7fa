// The planner refuses inputs it cannot satisfy (capacity, conflicting pins) with every fact needed to fix them.
import { ExitCode, TsmigError } from '../errors.ts';

export class PlanInfeasibleError extends TsmigError {
  constructor(message: string, readonly hosts: string[] = [], readonly vms: string[] = []) {
    super(message, ExitCode.invalidInputOrUnreachable);
  }
}
