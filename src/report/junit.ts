// JUnit XML for CI dashboards: the playbook run is a test suite, each migration a test case.
// A failed migration says why, where the VM runs now and what to do; not-started ones are skipped.
import { escapeHtml as esc } from './escape-html.ts';
import { formatBytes } from './progress-format.ts';
import type { MigrationRecord } from '../executor/migration-record.ts';
import type { RunReport } from '../executor/run-report.ts';
import { formatDurationMs, formatDurationS } from '../util/duration.ts';

interface Case {
  name: string;
  classname: string;
  timeS: number;
  body: string;
}

export function renderJunit(report: RunReport): string {
  const cases = report.check ? report.plan.migrations.map((p) => plannedOnlyCase(p.vm, p.from, p.to, p.mode, p.reason)) : report.migrations.map(migrationCase);
  const failures = report.check ? 0 : report.summary.failed;
  const skipped = report.check ? cases.length : report.summary.skipped;
  const timeS = seconds(report.summary.run_time_s);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${timeS}"`;
  const properties = [
    ['playbook', report.playbook.file],
    ['driver', report.driver],
    ['strategy', report.strategy],
    ['contention_mbps', report.plan.contentionMbps.toFixed(1)],
    ['data_transferred_bytes', String(report.summary.data_transferred_bytes)],
    ['total_downtime_ms', String(report.summary.total_downtime_ms)],
    ['exit_code', String(report.exit_code)],
  ]
    .map(([name, value]) => `      <property name="${esc(name!)}" value="${esc(value!)}"/>`)
    .join('\n');
  const body = cases
    .map((c) => `    <testcase name="${esc(c.name)}" classname="${esc(c.classname)}" time="${seconds(c.timeS)}">${c.body ? `\n${c.body}\n    ` : ''}</testcase>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tsmig" ${counts}>`,
    `  <testsuite name="${esc(report.playbook.name)}" ${counts} timestamp="${esc(report.started_at)}">`,
    `    <properties>\n${properties}\n    </properties>`,
    body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}

function migrationCase(m: MigrationRecord): Case {
  const base = { name: caseName(m.vm, m.from, m.to, m.mode), classname: `tsmig.${m.from}`, timeS: elapsedS(m) };
  if (m.status === 'failed') {
    const message = `${m.error ?? 'unknown error'}; it runs on ${m.vm_on ?? 'an UNKNOWN host'}${m.recovery ? `; recovery: ${m.recovery}` : ''}`;
    const detail = [...m.attempts.map((a) => `attempt ${a.attempt} (${a.started_s}s–${a.finished_s}s): ${a.error ?? 'ok'}`), `planned: ${m.reason}`].join('\n');
    return { ...base, body: `      <failure message="${esc(message)}" type="MigrationFailed">${esc(detail)}</failure>` };
  }
  if (m.status === 'skipped') return { ...base, body: `      <skipped message="${esc(m.error ?? 'not started')}"/>` };
  const outcome =
    m.status === 'ok'
      ? `already on ${m.to}`
      : `${m.mode} in ${formatDurationS(m.duration_s ?? 0)}, ${formatBytes(m.bytes)}, downtime ${formatDurationMs(m.downtime_ms ?? 0)}, retries ${m.retries}; runs on ${m.vm_on ?? 'UNKNOWN'}`;
  return { ...base, body: `      <system-out>${esc(`${outcome}\n${m.reason}`)}</system-out>` };
}

function plannedOnlyCase(vm: string, from: string, to: string, mode: MigrationRecord['mode'], reason: string): Case {
  return { name: caseName(vm, from, to, mode), classname: `tsmig.${from}`, timeS: 0, body: `      <skipped message="${esc(`check mode: planned only; ${reason}`)}"/>` };
}

/** From the first attempt's start to the end, so time spent on failed attempts and retry delays counts. */
function elapsedS(m: MigrationRecord): number {
  const startS = m.attempts[0]?.started_s ?? m.started_s;
  return startS !== null && m.finished_s !== null ? m.finished_s - startS : (m.duration_s ?? 0);
}

function caseName(vm: string, from: string, to: string, mode: string): string {
  return `${vm} ${from}→${to} (${mode})`;
}

function seconds(s: number): string {
  return Number.isFinite(s) ? String(Math.round(s * 1000) / 1000) : '0';
}
