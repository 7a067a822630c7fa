import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JournalWriter } from '../../src/executor/journal.ts';
import { readJournal } from '../../src/cli/read-journal.ts';
import type { Plan } from '../../src/planner/types.ts';
import { tempDir } from '../helpers/temp-files.ts';

const plan: Plan = { strategy: 'traffic-sensitive', objective: 'contention', contentionMbps: 0, migrations: [], hosts: [], waves: 0 };
const lines = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n');

test('journal: each line is in the file as soon as it is appended; closing during a background sync loses nothing and lets go of the file', async () => {
  const path = join(tempDir, 'journal-writer.jsonl');
  const journal = new JournalWriter(path);
  journal.append({ type: 'run-start', at: 'now', playbook: 'p', file: 'p.yml', playbook_path: '/p.yml', playbook_sha256: '0'.repeat(64), driver: 'sim' });
  journal.append({ type: 'plan', at: 'now', plan });
  for (let i = 0; i < 200; i++) {
    journal.append({ type: 'migration', at: 'now', vm: `vm${i}`, from: 'a', to: 'b', mode: 'pre-copy', state: 'started', attempt: 1 });
    // Written, not merely queued: a SIGKILL now would leave it in the file.
    assert.equal(lines(path).length, 3 + i);
  }
  journal.append({ type: 'run-end', at: 'now', exit_code: 0, interrupted: false });
  journal.close();
  assert.equal(lines(path).length, 203);
  assert.equal(readJournal(path).lastState.size, 200);
  // The background sync still running at close finishes and closes the file: nothing stays pending.
  const deadline = Date.now() + 10_000;
  while (process.getActiveResourcesInfo().includes('FSReqCallback') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(!process.getActiveResourcesInfo().includes('FSReqCallback'), 'no sync left pending');
});
