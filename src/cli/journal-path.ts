// Where a run's journal goes: --journal, else beside the JSON report, else the report dir, else the cwd.
import { join } from 'node:path';
import type { Playbook } from '../playbook/types.ts';

export function journalPathFor(opts: { journal?: string; report?: string; reportDir?: string }, playbook: Playbook): string {
  if (opts.journal) return opts.journal;
  const reportPath = opts.report ?? playbook.report.path;
  if (reportPath) return `${reportPath.replace(/\.json$/, '')}.journal.jsonl`;
  const dir = opts.reportDir ?? playbook.report.dir;
  return join(dir ?? '.', 'tsmig-journal.jsonl');
}
