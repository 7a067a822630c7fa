// Quoted argv must reach the remote program exactly as given, whatever it contains: checked by
// letting a real POSIX shell (dash, like a remote /bin/sh) parse the command line back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { commandLine, quoteShellArg } from '../../src/drivers/ssh/shell-quote.ts';

const hostile = [
  'plain',
  '',
  ' ',
  'two words',
  'semi;colon',
  'and && or || pipe | amp &',
  '$(touch /tmp/tsmig-pwned)',
  '`id`',
  '${HOME}',
  '$HOME',
  "it's",
  "''",
  '"double"',
  '\\backslash\\',
  'new\nline',
  'tab\there',
  'glob * ? [a-z]',
  '~root',
  'A=b',
  '#comment',
  '-n',
  '--postcopy',
  '>redirect <in 2>&1',
  '(sub) {brace}',
  'ünïcödé ✓ 日本',
  "mixed '\"$`\\\n!",
];

/** What sh makes of a command line: printf each argument NUL-terminated. */
async function parsedBySh(line: string): Promise<string[]> {
  const { stdout } = await execa('sh', ['-c', `printf '%s\\000' ${line}`], { stripFinalNewline: false, encoding: 'utf8' });
  return stdout.split('\0').slice(0, -1);
}

test('each hostile argument comes back from sh unchanged', async () => {
  for (const arg of hostile) {
    assert.deepEqual(await parsedBySh(quoteShellArg(arg)), [arg], JSON.stringify(arg));
  }
});

test('a whole argv with all of them comes back element for element', async () => {
  const line = commandLine(['printf', '%s\\000', ...hostile]).slice(commandLine(['printf', '%s\\000']).length + 1);
  assert.deepEqual(await parsedBySh(line), hostile);
});

test('the command runs nothing embedded in an argument', async () => {
  const marker = `/tmp/tsmig-quote-test-${process.pid}`;
  const { stdout } = await execa('sh', ['-c', commandLine(['echo', `$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`])]);
  assert.equal(stdout, `$(touch ${marker}) \`touch ${marker}\` ; touch ${marker}`);
  await assert.rejects(execa('test', ['-e', marker]));
});

test('plain words stay bare for readable logs; everything else is single-quoted', () => {
  assert.equal(quoteShellArg('qemu+ssh://10.200.0.2/system'), 'qemu+ssh://10.200.0.2/system');
  assert.equal(quoteShellArg('--bandwidth'), '--bandwidth');
  assert.equal(quoteShellArg(''), "''");
  assert.equal(quoteShellArg("it's"), "'it'\\''s'");
  assert.equal(quoteShellArg('A=b'), "'A=b'");
  assert.equal(commandLine(['virsh', '-c', 'qemu:///system', 'dominfo', 'my vm']), "virsh -c qemu:///system dominfo 'my vm'");
});

test('NUL cannot be passed in an argument and an empty argv is no command', () => {
  assert.throws(() => quoteShellArg('a\0b'), /NUL/);
  assert.throws(() => commandLine([]), /empty/);
});
