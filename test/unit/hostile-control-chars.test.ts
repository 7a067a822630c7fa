// Issue 14, case 7: control characters in names and messages reach no terminal raw — recap,
// `report -f text`, errors, validate — they are shown escaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { showControlChars } from '../../src/report/show-control-chars.ts';
import { renderReportFormat } from '../../src/report/render-report-format.ts';
import { failingReport } from '../helpers/report-fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { writeTemp } from '../helpers/temp-files.ts';

const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\r\u009b\u202eevil';
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

test('showControlChars: C0, DEL, C1 and bidi overrides shown escaped; newline and tab kept', () => {
  assert.equal(showControlChars(ESCAPES), '\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\r\\x9b\\u202eevil');
  assert.equal(showControlChars('a\tb\nc → d'), 'a\tb\nc → d');
});

test('report -f text: names, errors and recovery hints with terminal escapes come out escaped', async () => {
  const report = await failingReport();
  report.playbook.name = ESCAPES;
  for (const m of report.migrations) {
    m.vm = `${m.vm}${ESCAPES}`;
    m.error = ESCAPES;
    m.recovery = ESCAPES;
    m.vm_on = ESCAPES;
  }
  for (const h of report.recap) h.host = ESCAPES;
  for (const p of report.plan.migrations) p.reason = ESCAPES;
  const text = renderReportFormat(report, 'text');
  assert.doesNotMatch(text, RAW);
  assert.ok(text.includes('\\x1b]0;pwned\\x07'), 'shown, not dropped');
});

test('CLI: a playbook name with terminal escapes is shown escaped by validate, and by an error message', async () => {
  const file = writeTemp('name: "evil\\e]0;title\\a\\e[2J"\ninventory:\n  driver: sim\n  hosts: { a: { vms: { v: { memory_mib: 1 } } }, b: {} }\nmigrations: [{ from: a, to: b }]\n');
  const ok = await runCli(['validate', file]);
  assert.equal(ok.exitCode, 0, ok.stderr);
  assert.doesNotMatch(ok.stdout, RAW);
  assert.match(ok.stdout, /evil\\x1b\]0;title\\x07\\x1b\[2J/);
  const bad = await runCli(['validate', writeTemp('name: x\ninventory:\n  driver: sim\n  hosts: { a: {}, b: {} }\nmigrations: [{ from: a, to: b, vms: ["\\e[2J"] }]\n')]);
  assert.equal(bad.exitCode, 4);
  assert.doesNotMatch(bad.stderr, RAW);
});
