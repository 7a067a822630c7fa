// Resume: a journal's plan + where VMs really run now → what is left to do. Pure.
import type { Plan, PlannedMigration } from '../planner/types.ts';

export interface Reconciled {
  /** Migrations still to run (VM still on its source), waves renumbered from 0. */
  remaining: Plan;
  /** Planned VMs already running on their destination. */
  done: PlannedMigration[];
  /** Planned VMs found neither only on their source nor only on their destination. */
  astray: Array<{ migration: PlannedMigration; runningOn: string[] }>;
}

export function reconcilePlan(plan: Plan, where: ReadonlyMap<string, string[]>): Reconciled {
  const remaining: PlannedMigration[] = [];
  const done: PlannedMigration[] = [];
  const astray: Reconciled['astray'] = [];
  for (const m of plan.migrations) {
    const on = where.get(m.vm) ?? [];
    if (on.length === 1 && on[0] === m.to) done.push(m);
    else if (on.length === 1 && on[0] === m.from) remaining.push(m);
    else astray.push({ migration: m, runningOn: on });
  }
  const waves = [...new Set(remaining.map((m) => m.wave))].sort((a, b) => a - b);
  const renumbered = remaining.map((m) => ({ ...m, wave: waves.indexOf(m.wave) }));
  return { remaining: { ...plan, migrations: renumbered, waves: waves.length }, done, astray };
}
