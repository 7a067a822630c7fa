import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.ts';
import { FAILING_PLAYBOOK_YAML } from '../helpers/report-fixtures.ts';
import { tempDir, writeTemp } from '../helpers/temp-files.ts';

const ALL_FORMATS = `${FAILING_PLAYBOOK_YAML}report: { formats: [html, json, junit, text] }\n`;
const FILES = { json: 'tsmig-report.json', html: 'tsmig-report.html', junit: 'tsmig-report.junit.xml', text: 'tsmig-report.txt' } as const;

test('run --report-dir writes every format of report.formats; report re-renders each one identically from the JSON', async () => {
  const dir = join(tempDir, 'reports-all');
  const run = await runCli(['run', writeTemp(ALL_FORMATS), '--report-dir', dir]);
  assert.equal(run.exitCode, 2, run.stderr);
  assert.match(run.stdout, /reports written: .*tsmig-report\.html/);
  for (const name of Object.values(FILES)) assert.ok(existsSync(join(dir, name)), name);
  const json = join(dir, FILES.json);

  for (const [format, name] of Object.entries(FILES)) {
    const r = await runCli(['report', json, '--format', format]);
    assert.equal(r.exitCode, 0, `${format}: ${r.stderr}`);
    // runCli (execa) strips stdout's final newline.
    assert.equal(r.stdout, readFileSync(join(dir, name), 'utf8').replace(/\n$/, ''), `${format} from the saved JSON = what run wrote`);
  }
  assert.match(readFileSync(join(dir, FILES.text), 'utf8'), /PLAY RECAP/);
  assert.match(readFileSync(join(dir, FILES.junit), 'utf8'), /<failure message="sim: injected failure/);
  assert.match(readFileSync(join(dir, FILES.html), 'utf8'), /^<!DOCTYPE html>/);
});

test('run --report-dir writes only the formats the playbook asks for (default: json)', async () => {
  const dir = join(tempDir, 'reports-default');
  const run = await runCli(['run', writeTemp(FAILING_PLAYBOOK_YAML), '--report-dir', dir, '-q']);
  assert.equal(run.exitCode, 2, run.stderr);
  assert.ok(existsSync(join(dir, FILES.json)));
  assert.ok(!existsSync(join(dir, FILES.html)));
});

test('report -o FILE writes the file and nothing on stdout; bad format → 5; not a run report → 4', async () => {
  const dir = join(tempDir, 'reports-o');
  await runCli(['run', writeTemp(ALL_FORMATS), '--report-dir', dir, '-q']);
  const out = join(tempDir, 'rerendered.html');
  const r = await runCli(['report', join(dir, FILES.json), '-f', 'html', '-o', out]);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(dir, FILES.html), 'utf8'));
  assert.equal((await runCli(['report', join(dir, FILES.json), '--format', 'pdf'])).exitCode, 5);
  const notReport = await runCli(['report', join(dir, FILES.junit)]);
  assert.equal(notReport.exitCode, 4);
  assert.match(notReport.stderr, /cannot read a run report/);
});
