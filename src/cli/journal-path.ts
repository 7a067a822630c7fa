// Where a run's journal goes: --journal; else beside the JSON report; else, named after the
// playbook file, in the report dir or the current directory. Never one file shared by every
// playbook: resuming from it would pick up another playbook's plan.
import { basename, join } from 'node:path';
import type { Playbook } from '../playbook/types.ts';

export function journalPathFor(opts: { journal?: string; report?: string; reportDir?: string }, playbook: Playbook): string {
  if (opts.journal) return opts.journal;
  const reportPath = opts.report ?? playbook.report.path;
  if (reportPath) return `${reportPath.replace(/\.json$/, '')}.journal.jsonl`;
  const name = `${basename(playbook.file).replace(/\.ya?ml$/i, '')}.journal.jsonl`;
  return join(opts.reportDir ?? playbook.report.dir ?? '.', name);
}
