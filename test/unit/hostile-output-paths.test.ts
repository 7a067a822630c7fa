// Issue 14, cases 4 and 5 (outputs): report and journal paths are checked before anything moves;
// a journal never lands in the playbook, the report or a file that is not a journal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkOutputPaths } from '../../src/cli/output-paths.ts';
import { ExitCode, TsmigError } from '../../src/errors.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const refused = (plan: Parameters<typeof checkOutputPaths>[0], message: RegExp, code: number = ExitCode.badOptions): void => {
  assert.throws(() => checkOutputPaths(plan), (e: unknown) => e instanceof TsmigError && e.exitCode === code && message.test(e.message));
};

test('output paths: a missing directory, /dev/full, the playbook, the report, a non-journal file are refused up front', () => {
  const playbook = writeTemp('name: x\n', 'outputs.yml');
  const notJournal = writeTemp('precious notes\n', 'notes.txt');
  const journal = (path: string) => ({ path, fromOption: true });
  refused({ report: { path: '/missing/dir/r.json', fromOption: true }, inputs: [playbook] }, /\/missing\/dir does not exist \(create it first\)/);
  refused({ report: { path: '/missing/dir/r.json', fromOption: false }, inputs: [playbook] }, /does not exist/, ExitCode.invalidInputOrUnreachable);
  refused({ journal: journal('/dev/full'), inputs: [playbook] }, /\/dev\/full: the journal would go to something that is not a regular file/);
  refused({ journal: journal(playbook), inputs: [playbook] }, /the journal would be written into .*outputs\.yml, which this run reads/);
  const x = join(tempDir, 'x.json');
  refused({ journal: journal(x), report: { path: x, fromOption: true }, inputs: [playbook] }, /the journal and the run report would be the same file/);
  refused({ journal: journal(notJournal), inputs: [playbook] }, /exists and is not a tsmig journal/);
  const realJournal = writeTemp('{"type":"run-start","at":"t","playbook":"x","file":"x","driver":"sim"}\n', 'real.journal.jsonl');
  checkOutputPaths({ journal: journal(realJournal), report: { path: join(tempDir, 'ok.json'), fromOption: true }, inputs: [playbook] });
});
