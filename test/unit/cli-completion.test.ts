// `tsmig completion bash` in a real bash: what completes after each word an operator types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-files.ts';

const script = (await runCli(['completion', 'bash'])).stdout;
const cwd = join(tempDir, 'completion');
mkdirSync(join(cwd, 'playbooks'), { recursive: true });
for (const f of ['drain.yml', 'notes.txt', 'run.json']) writeFileSync(join(cwd, f), '');

/** The candidates bash offers for the command line `words` (the last word is being typed). */
function complete(...words: string[]): string[] {
  const program = `${script}\nCOMP_WORDS=(tsmig ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _tsmig; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { cwd, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

test('commands and aliases complete first', () => {
  assert.deepEqual(complete('r'), ['report', 'run']);
  assert.deepEqual(complete('sy'), ['syntax-check']);
});

test("a command's own options, and only its own", () => {
  assert.deepEqual(complete('run', '--re'), ['--report', '--report-dir', '--resume']);
  assert.deepEqual(complete('report', '--re'), []);
  assert.ok(complete('plan', '--').includes('--compare'));
  assert.ok(!complete('plan', '--').includes('--resume'));
});

test('choices complete after the option that takes them', () => {
  assert.deepEqual(complete('run', 'x.yml', '--strategy', 'p'), ['post-copy', 'pre-copy']);
  assert.deepEqual(complete('report', 'run.json', '-f', ''), ['html', 'json', 'junit', 'text']);
});

test('playbook arguments offer YAML and JSON files and directories, not other files', () => {
  assert.deepEqual(complete('run', ''), ['drain.yml', 'playbooks', 'run.json']);
  assert.deepEqual(complete('run', 'x.yml', '--report-dir', ''), ['playbooks']);
  assert.deepEqual(complete('run', 'x.yml', '--limit', ''), []);
});
