// Issue 14, case 4 (journals that trust themselves): the default journal is per playbook, the
// journal names its playbook by path and sha256, --resume refuses another playbook's journal, and
// every line is checked against schemas/journal.schema.json — a hand-edited plan (a VM twice, an
// unknown host, a bad mode) or a `null` line is refused with JOURNAL:LINE and exit 4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { readJournal, type PlaybookIdentity } from '../../src/cli/read-journal.ts';
import { ExitCode, TsmigError } from '../../src/errors.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const SHA = 'a'.repeat(64);
const OWNER: PlaybookIdentity = { file: 'owner.yml', path: '/srv/owner.yml', sha256: SHA };
const runStart = JSON.stringify({ type: 'run-start', at: 't', playbook: 'p', file: OWNER.file, playbook_path: OWNER.path, playbook_sha256: SHA, driver: 'sim' });
const migration = (vm: string, from = 'A', to = 'B', mode = 'pre-copy') => ({ vm, from, to, mode, wave: 0, tx_mbps: 1, rx_mbps: 1, memory_mib: 512, reason: 'r' });
const planLine = (migrations: unknown[]) =>
  JSON.stringify({ type: 'plan', at: 't', plan: { strategy: 'pre-copy', objective: 'contention', contention_mbps: 0, migrations, hosts: [], waves: 1 } });

function journal(lines: string[]): string {
  return writeTemp(`${lines.join('\n')}\n`, `j-${Math.random().toString(36).slice(2)}.jsonl`);
}

function refused(path: string, message: RegExp, expect = { playbook: OWNER, hosts: ['A', 'B'] }): void {
  assert.throws(
    () => readJournal(path, expect),
    (e: unknown) => e instanceof TsmigError && e.exitCode === ExitCode.invalidInputOrUnreachable && message.test(e.message),
  );
}

test('a journal that is fine is read: its plan back in camelCase', () => {
  const j = readJournal(journal([runStart, planLine([migration('v1'), migration('v2', 'A', 'B', 'post-copy')])]), { playbook: OWNER, hosts: ['A', 'B'] });
  assert.deepEqual(j.plan.migrations.map((m) => [m.vm, m.mode, m.memoryMib]), [['v1', 'pre-copy', 512], ['v2', 'post-copy', 512]]);
});

test('hand-edited journals are refused at their line: null, a VM twice, an unknown host, a bad mode, garbage', () => {
  const cases: Array<[string[], RegExp]> = [
    [[runStart, 'null', planLine([migration('v1')])], /:2: not a journal entry \(null;/],
    [[runStart, '[1, 2]', planLine([migration('v1')])], /:2: not a journal entry \(an array;/],
    [[runStart, '{"type":"oops"}', planLine([migration('v1')])], /:2: not a journal entry \(an entry of type "oops"/],
    // Found by the fuzz test: an own-key check, not `in` (which sees the prototype).
    [[runStart, '{"type":"__proto__"}', planLine([migration('v1')])], /:2: not a journal entry \(an entry of type "__proto__"/],
    [[runStart, planLine([migration('v1'), migration('v2'), migration('v1')])], /:2: the plan lists VM v1 twice \(migrations 0 and 2\)/],
    [[runStart, planLine([migration('v1', 'A', 'Z')])], /:2: plan\.migrations\.0\.to: host "Z" is not in the inventory/],
    [[runStart, planLine([migration('v1', 'Q', 'B')])], /:2: plan\.migrations\.0\.from: host "Q" is not in the inventory/],
    [[runStart, planLine([migration('v1', 'A', 'B', '" onmouseover="x')])], /:2: not a valid plan entry: plan\.migrations\.0\.mode must be one of "pre-copy", "post-copy"/],
    [[runStart, planLine([migration('v1')]), '{"type":"migration","at":"t","vm":"v1","from":"A","to":"B","mode":"pre-copy","state":"exploded"}'], /:3: not a valid migration entry: state must be one of/],
    [[runStart, 'not json', planLine([migration('v1')])], /:2: not a journal line \(not JSON\)/],
    [[runStart, planLine([{ ...migration('v1'), extra: 1 }])], /:2: .*unknown field "extra"/],
  ];
  for (const [lines, message] of cases) refused(journal(lines), message);
});

test('--resume refuses another playbook\'s journal, or one written before the playbook changed, naming the playbook', () => {
  const path = journal([runStart, planLine([migration('v1')])]);
  refused(path, /:1: this journal belongs to the playbook owner\.yml \(\/srv\/owner\.yml\), not to mine\.yml; resume that one: tsmig run owner\.yml --resume/, {
    playbook: { file: 'mine.yml', path: '/srv/mine.yml', sha256: 'b'.repeat(64) },
    hosts: ['A', 'B'],
  });
  refused(path, /:1: this journal was written for owner\.yml before the playbook changed/, { playbook: { ...OWNER, sha256: 'b'.repeat(64) }, hosts: ['A', 'B'] });
  // The same bytes moved elsewhere are the same playbook.
  assert.equal(readJournal(path, { playbook: { ...OWNER, path: '/elsewhere/owner.yml' } }).plan.migrations.length, 1);
  refused(journal([planLine([migration('v1')])]), /the journal has no run-start line/);
});

const simPlaybook = (name: string): string =>
  writeTemp(
    `name: ${name}
inventory:
  driver: sim
  hosts:
    A: { vms: { ${name}-1: { memory_mib: 512 }, ${name}-2: { memory_mib: 512 } } }
    B: {}
sampling: { duration: 2s, interval: 1s }
migrations: [{ from: A, to: B, vms: all }]
`,
    `${name}.yml`,
  );

test('CLI: each playbook gets its own journal (path and sha256 of its bytes, lines valid per the schema); resuming another\'s is exit 4', async () => {
  const first = simPlaybook('first');
  const second = simPlaybook('second');
  const runs = await Promise.all([runCli(['run', first]), runCli(['run', second])]);
  for (const r of runs) assert.equal(r.exitCode, ExitCode.ok, r.stderr);
  const firstJournal = join(tempDir, 'first.journal.jsonl');
  const secondJournal = join(tempDir, 'second.journal.jsonl');
  assert.ok(existsSync(firstJournal) && existsSync(secondJournal), 'one journal per playbook, named after it');
  assert.ok(!existsSync(join(tempDir, 'tsmig-journal.jsonl')), 'no shared journal');
  assert.match(runs[0]!.stdout, /resume with: tsmig run .*first\.yml --resume first\.journal\.jsonl/);

  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  for (const name of ['plan', 'journal']) ajv.addSchema(JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object);
  const validate = ajv.getSchema('journal.schema.json')!;
  const firstText = readFileSync(firstJournal, 'utf8');
  const lines = firstText.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const line of lines) assert.ok(validate(line), `${JSON.stringify(line)}: ${ajv.errorsText(validate.errors)}`);
  assert.deepEqual(lines.map((l) => l.type), ['run-start', 'plan', 'migration', 'migration', 'migration', 'migration', 'run-end']);
  assert.equal(lines[0]!.playbook_path, first);
  assert.equal(lines[0]!.playbook_sha256, createHash('sha256').update(readFileSync(first)).digest('hex'));

  const [foreign, own, appendForeign] = await Promise.all([
    runCli(['run', second, '--resume', firstJournal]),
    runCli(['run', first, '--resume', firstJournal]),
    runCli(['run', second, '--journal', firstJournal]),
  ]);
  assert.equal(foreign.exitCode, ExitCode.invalidInputOrUnreachable, foreign.stderr);
  assert.match(foreign.stderr, /first\.journal\.jsonl:1: this journal belongs to the playbook .*first\.yml/);
  assert.equal(own.exitCode, ExitCode.ok, own.stderr);
  assert.equal(appendForeign.exitCode, ExitCode.badOptions, appendForeign.stderr);
  assert.match(appendForeign.stderr, /this journal belongs to the playbook .*first\.yml; give this run another --journal path/);

  // A journal edited by hand to move a VM to a host the inventory does not have.
  const edited = join(tempDir, 'edited.journal.jsonl');
  writeFileSync(edited, firstText.replace('"to":"B"', '"to":"evil"'));
  const r = await runCli(['run', first, '--resume', edited]);
  assert.equal(r.exitCode, ExitCode.invalidInputOrUnreachable, r.stderr);
  assert.match(r.stderr, /edited\.journal\.jsonl:2: plan\.migrations\.0\.to: host "evil" is not in the inventory/);
});
