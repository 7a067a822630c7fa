import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from '../../src/report/junit.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { failingReport, HOSTILE, hostileReport } from '../helpers/report-fixtures.ts';

interface JunitCase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_message': string; '#text'?: string };
  skipped?: { '@_message': string };
  'system-out'?: string;
}

function parseJunit(xml: string): { suites: Record<string, string>; suite: Record<string, string>; cases: JunitCase[] } {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, JSON.stringify(valid));
  // htmlEntities: decode numeric character references (&#39;) too, as every XML parser must.
  const doc = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, htmlEntities: true, isArray: (name) => name === 'testcase' }).parse(xml) as {
    testsuites: Record<string, string> & { testsuite: Record<string, string> & { testcase: JunitCase[] } };
  };
  return { suites: doc.testsuites, suite: doc.testsuites.testsuite, cases: doc.testsuites.testsuite.testcase };
}

test('JUnit: one suite per run, one case per migration, counts match; the failed VM has a <failure> saying where it runs', async () => {
  const report = await failingReport();
  assert.equal(report.summary.failed, 1, 'fixture: broken fails every attempt');
  const { suites, suite, cases } = parseJunit(renderJunit(report));
  assert.equal(suite['@_name'], 'junit check & "friends"');
  for (const s of [suites, suite]) {
    assert.equal(s['@_tests'], '3');
    assert.equal(s['@_failures'], '1');
    assert.equal(s['@_skipped'], '0');
  }
  const byVm = new Map(cases.map((c) => [c['@_name'].split(' ')[0], c]));
  const broken = byVm.get('broken')!;
  const brokenRecord = report.migrations.find((m) => m.vm === 'broken')!;
  assert.equal(broken['@_name'], `broken hostA→hostB (${brokenRecord.mode})`);
  assert.equal(broken['@_classname'], 'tsmig.hostA');
  assert.ok(broken.failure, 'failed migration has a <failure>');
  assert.match(broken.failure['@_message'], /it runs on hostA/);
  assert.ok(broken.failure['@_message'].startsWith(brokenRecord.error!), broken.failure['@_message']);
  assert.match(broken.failure['#text'] ?? '', /attempt 1 .*\nattempt 2 /);
  // Time runs from the first attempt's start: failed attempts and the retry delay count.
  const elapsedS = brokenRecord.finished_s! - brokenRecord.attempts[0]!.started_s;
  assert.ok(elapsedS > 2, 'fixture: two attempts and a 2 s retry delay');
  assert.ok(Math.abs(Number(broken['@_time']) - elapsedS) < 0.002, broken['@_time']);
  for (const vm of ['good', 'flaky']) {
    const c = byVm.get(vm)!;
    assert.equal(c.failure, undefined, vm);
    assert.equal(c.skipped, undefined, vm);
    assert.ok(Number(c['@_time']) > 0, `${vm} time`);
  }
  assert.match(byVm.get('flaky')!['system-out'] ?? '', /retries 1; runs on hostB/);
});

test('JUnit: migrations not started (interrupted run) are <skipped/> with the reason', async () => {
  const report = await failingReport({ interrupted: true });
  const skippedVms = report.migrations.filter((m) => m.status === 'skipped').map((m) => m.vm);
  assert.ok(skippedVms.length >= 1, 'fixture: later waves are skipped');
  const { suite, cases } = parseJunit(renderJunit(report));
  assert.equal(suite['@_skipped'], String(skippedVms.length));
  assert.equal(cases.length, 3);
  const skippedCases = cases.filter((c) => c.skipped);
  assert.deepEqual(skippedCases.map((c) => c['@_name'].split(' ')[0]), skippedVms);
  for (const c of skippedCases) assert.match(c.skipped?.['@_message'] ?? '', /interrupted/);
});

test('JUnit: check-mode reports list the plan as skipped cases', async () => {
  const report: RunReport = { ...(await failingReport()), check: true, migrations: [] };
  const { suite, cases } = parseJunit(renderJunit(report));
  assert.equal(suite['@_tests'], String(report.plan.migrations.length));
  assert.equal(cases.length, report.plan.migrations.length);
  for (const c of cases) assert.match(c.skipped?.['@_message'] ?? '', /^check mode/);
});

test('JUnit: hostile strings survive a round trip through an XML parser (control characters as U+FFFD)', async () => {
  const xml = renderJunit(hostileReport(await failingReport()));
  const { suite, cases } = parseJunit(xml);
  const expected = HOSTILE.replace('\u0001', '\uFFFD');
  assert.equal(suite['@_name'], expected);
  const hostile = cases.find((c) => c['@_name'].startsWith('</title>'))!;
  assert.equal(hostile['@_classname'], `tsmig.${expected}`);
  assert.ok(hostile.failure?.['@_message'].includes(expected));
});
