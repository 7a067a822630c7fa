// Run reports for the report tests: the demo, a run with a retried and a failed VM, and a
// report whose strings are hostile (markup, quotes, control characters).
import type { EngineEvent } from '../../src/executor/engine-events.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { runSim } from './run-sim.ts';
import { writeTemp } from './temp-files.ts';

export const DEMO_PLAYBOOK = new URL('../../playbooks/demo-sim.yml', import.meta.url).pathname;

export async function demoReport(): Promise<RunReport> {
  return (await runSim(loadPlaybook(DEMO_PLAYBOOK))).report;
}

/** good moves first time, flaky fails once then moves, broken fails every attempt (retries: 1); one at a time. */
export const FAILING_PLAYBOOK_YAML = `name: junit check & "friends"
inventory:
  driver: sim
  hosts:
    hostA:
      vms:
        good:   { memory_mib: 512, tx_mbps: 10, rx_mbps: 50 }
        flaky:  { memory_mib: 512, tx_mbps: 50, rx_mbps: 10, fail_migrations: 1 }
        broken: { memory_mib: 512, tx_mbps: 20, rx_mbps: 20, fail_migrations: 9 }
    hostB: {}
sampling: { duration: 3s, interval: 1s }
migrations: [{ from: hostA, to: hostB, vms: all }]
constraints: { retries: 1, retry_delay: 2s, max_parallel: 1 }
`;

/** `interrupted`: Ctrl-C as the first migration starts, so the later waves are skipped. */
export async function failingReport(options: { interrupted?: boolean } = {}): Promise<RunReport> {
  const playbook = loadPlaybook(writeTemp(FAILING_PLAYBOOK_YAML));
  const stop = new AbortController();
  const onEvent = (e: EngineEvent): void => {
    if (options.interrupted && e.type === 'migration-start') stop.abort(new Error('SIGINT'));
  };
  return (await runSim(playbook, { stop: stop.signal }, undefined, onEvent)).report;
}

export const HOSTILE = `</title><script>alert(1)</script><img src=x onerror=alert(2)> & "q" 'a' \u0001end`;

/** The same report with every free-text field replaced by HOSTILE (VM names too: renderers must not trust validation). */
export function hostileReport(base: RunReport): RunReport {
  const r = structuredClone(base);
  const vm = r.migrations[0]!.vm;
  const host = r.migrations[0]!.from;
  r.playbook.name = HOSTILE;
  r.playbook.file = HOSTILE;
  for (const m of r.migrations) {
    if (m.vm === vm) m.vm = HOSTILE;
    if (m.from === host) m.from = HOSTILE;
    m.reason = HOSTILE;
    m.status = 'failed';
    m.error = HOSTILE;
    m.recovery = HOSTILE;
    m.vm_on = HOSTILE;
    for (const a of m.attempts) a.error = HOSTILE;
  }
  for (const p of r.plan.migrations) {
    if (p.vm === vm) p.vm = HOSTILE;
    if (p.from === host) p.from = HOSTILE;
    p.reason = HOSTILE;
  }
  for (const h of r.recap) if (h.host === host) h.host = HOSTILE;
  for (const h of r.plan.hosts) if (h.host === host) h.host = HOSTILE;
  for (const h of r.measurements.hosts) if (h.host === host) h.host = HOSTILE;
  return r;
}

/** The report with every string in it (names, modes, statuses, dates, versions…) replaced by HOSTILE: what a hand-edited RUN.json can hold. */
export function markupEverywhere(base: RunReport): RunReport {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') return HOSTILE;
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    return value;
  };
  return replace(base) as RunReport;
}
