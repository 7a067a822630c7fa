// Compares two plans (a reviewer diffing a runbook change): what moves differently, and how
// contention changed. Pure.
import type { Plan, PlannedMigration } from '../planner/types.ts';

export interface PlanChange {
  vm: string;
  kind: 'added' | 'removed' | 'changed';
  before?: Pick<PlannedMigration, 'from' | 'to' | 'mode' | 'wave'>;
  after?: Pick<PlannedMigration, 'from' | 'to' | 'mode' | 'wave'>;
}

export interface PlanDiff {
  changes: PlanChange[];
  unchanged: number;
  contentionBeforeMbps: number;
  contentionAfterMbps: number;
}

const pick = (m: PlannedMigration) => ({ from: m.from, to: m.to, mode: m.mode, wave: m.wave });

export function diffPlans(previous: Plan, current: Plan): PlanDiff {
  const before = new Map(previous.migrations.map((m) => [m.vm, m]));
  const after = new Map(current.migrations.map((m) => [m.vm, m]));
  const changes: PlanChange[] = [];
  let unchanged = 0;
  for (const [vm, b] of before) {
    const a = after.get(vm);
    if (!a) changes.push({ vm, kind: 'removed', before: pick(b) });
    else if (a.from !== b.from || a.to !== b.to || a.mode !== b.mode || a.wave !== b.wave) changes.push({ vm, kind: 'changed', before: pick(b), after: pick(a) });
    else unchanged++;
  }
  for (const [vm, a] of after) if (!before.has(vm)) changes.push({ vm, kind: 'added', after: pick(a) });
  changes.sort((x, y) => x.vm.localeCompare(y.vm));
  return { changes, unchanged, contentionBeforeMbps: previous.contentionMbps, contentionAfterMbps: current.contentionMbps };
}

export function renderPlanDiff(diff: PlanDiff): string {
  const describe = (m: NonNullable<PlanChange['before']>): string => `${m.from} -> ${m.to} ${m.mode} wave ${m.wave + 1}`;
  const lines = [`PLAN DIFF: ${diff.changes.length} changed, ${diff.unchanged} unchanged; contention ${diff.contentionBeforeMbps.toFixed(1)} -> ${diff.contentionAfterMbps.toFixed(1)} Mbps`];
  for (const c of diff.changes) {
    if (c.kind === 'added') lines.push(`+ ${c.vm}: ${describe(c.after!)}`);
    else if (c.kind === 'removed') lines.push(`- ${c.vm}: ${describe(c.before!)}`);
    else lines.push(`~ ${c.vm}: ${describe(c.before!)}  =>  ${describe(c.after!)}`);
  }
  return lines.join('\n');
}
