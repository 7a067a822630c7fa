// Issue 14: a property-based test (fast-check) drives the YAML loader + schema + -e overrides,
// the journal reader and the run-report reader + renderers with generated hostile input. The
// property each time: the input is accepted, or refused with a TsmigError whose exit code the
// README documents — never another exception (a crash, exit 1) and never a hang (each property
// has a bounded number of runs and input size; the test's timeout catches a hang).
// FUZZ_SEED=n reproduces a run; FUZZ_RUNS=n runs more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRunReport } from '../../src/cli/report-command.ts';
import { readJournal } from '../../src/cli/read-journal.ts';
import { ExitCode, TsmigError } from '../../src/errors.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { REPORT_FORMATS, renderReportFormat } from '../../src/report/render-report-format.ts';
import { runReportToJson } from '../../src/report/report-json.ts';
import { demoReport, DEMO_PLAYBOOK } from '../helpers/report-fixtures.ts';
import { tempDir } from '../helpers/temp-files.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const DOCUMENTED = new Set<number>(Object.values(ExitCode));

/** Accepted (true), or refused the documented way (false); anything else fails the property with what was thrown. */
function acceptedOrRefused(action: () => unknown): boolean {
  try {
    action();
    return true;
  } catch (error) {
    if (error instanceof TsmigError && DOCUMENTED.has(error.exitCode) && error.exitCode !== ExitCode.ok) return false;
    throw error;
  }
}

/** Strings people and attackers put in files: markup, quotes, control characters, YAML syntax, huge and odd numbers. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '<script>alert(1)</script>', '" onmouseover="x', '\u001b[2J\u001b]0;title\u0007', '\u0000', '\r\n', '{{ x }}', '$(reboot)', '`id`', '; rm -rf /',
    '__proto__', 'constructor', '&a [*a, *a]', '*a', '!!js/function "x"', '!!binary AAAA', '? complex', '- - - -', '|', '>', '%YAML 1.1', '---', '...',
    '1e300', '-1e300', '.nan', '.inf', '-.inf', '0x7fffffffffffffff', '1e-300', '0.000001', '-0', '999999999999999999999', '~', 'null', 'yes', 'on', '0o777',
    '10m', '0s', '99999h', '1ms', 'all', 'any', 'pre-copy', 'post-copy',
  ),
);

const playbookKeys = fc.constantFrom(
  'name', 'inventory', 'driver', 'hosts', 'defaults', 'nic_mbps', 'vms', 'memory_mib', 'tx_mbps', 'rx_mbps', 'dirty_mib_per_s', 'vcpus', 'background', 'sampling',
  'duration', 'interval', 'strategy', 'migrations', 'from', 'to', 'mode', 'postcopy', 'constraints', 'max_parallel', 'bandwidth_mbps', 'max_downtime', 'timeout',
  'retries', 'retry_delay', 'deadline', 'report', 'path', 'dir', 'formats', 'address', 'port', 'identity_file', 'planner', 'time_limit', 'gap', 'rack12-a', 'rack14-b',
);

/** YAML-ish documents: a random tree of playbook keys and hostile scalars, in block or flow style. */
const yamlTree: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText.map((t) => JSON.stringify(t)),
    hostileText,
    fc.array(fc.tuple(playbookKeys, tie('node')), { maxLength: 5 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => `[${items.join(', ')}]`),
  ),
})).node;

const DEMO_TEXT = readFileSync(DEMO_PLAYBOOK, 'utf8');
const DEMO_LINES = DEMO_TEXT.split('\n');

/** The demo playbook with lines replaced, inserted or cut at random: mostly valid YAML, near-valid playbooks. */
const mutatedDemo = fc
  .array(fc.tuple(fc.nat(DEMO_LINES.length - 1), fc.constantFrom('replace', 'insert', 'cut', 'value'), fc.oneof(yamlTree, hostileText)), { minLength: 1, maxLength: 4 })
  .map((edits) => {
    const lines = [...DEMO_LINES];
    for (const [at, how, text] of edits) {
      const i = Math.min(at, lines.length - 1);
      if (how === 'replace') lines[i] = text;
      else if (how === 'insert') lines.splice(i, 0, text);
      else if (how === 'cut') lines[i] = lines[i]!.slice(0, Math.floor(lines[i]!.length / 2));
      else lines[i] = lines[i]!.replace(/:\s*[^,{}[\]]+/, `: ${text}`);
    }
    return lines.join('\n');
  });

const overrideArg = fc.oneof(
  fc.tuple(fc.array(playbookKeys, { minLength: 1, maxLength: 3 }), hostileText).map(([keys, v]) => `${keys.join('.')}=${v}`),
  yamlTree,
  hostileText,
);

test('fuzz: the YAML loader, the schema and -e overrides accept or refuse (exit 4/5), never crash', { timeout: 120_000 }, (t) => {
  const file = join(tempDir, 'fuzz-playbook.yml');
  const started = Date.now();
  let runs = 0;
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), yamlTree, mutatedDemo), fc.array(overrideArg, { maxLength: 2 }), (text, overrides) => {
      runs++;
      writeFileSync(file, text);
      if (acceptedOrRefused(() => loadPlaybook(file))) accepted++;
      if (acceptedOrRefused(() => loadPlaybook(DEMO_PLAYBOOK, { overrides }))) accepted++;
    }),
    { seed: SEED, numRuns: RUNS },
  );
  t.diagnostic(`seed ${SEED}: ${runs} playbooks + ${runs} -e sets (${accepted} accepted) in ${Date.now() - started} ms`);
});

const SHA = 'a'.repeat(64);
const OWNER = { file: 'fuzz.yml', path: '/fuzz.yml', sha256: SHA };
const goodLines = [
  { type: 'run-start', at: 't', playbook: 'p', file: OWNER.file, playbook_path: OWNER.path, playbook_sha256: SHA, driver: 'sim' },
  { type: 'plan', at: 't', plan: { strategy: 'pre-copy', objective: 'contention', contention_mbps: 0, waves: 1, hosts: [], migrations: [{ vm: 'v', from: 'A', to: 'B', mode: 'pre-copy', wave: 0, tx_mbps: 1, rx_mbps: 1, memory_mib: 1, reason: '' }] } },
  { type: 'migration', at: 't', vm: 'v', from: 'A', to: 'B', mode: 'pre-copy', state: 'started', attempt: 1 },
  { type: 'run-end', at: 't', exit_code: 0, interrupted: false },
];

/** A JSON value with one leaf or field replaced by a generated one. */
function mutateJson(value: unknown, path: readonly number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value);
  if (entries.length === 0) return replacement;
  const k = path[0]! % entries.length;
  const [key, child] = entries[k]!;
  const next = mutateJson(child, path.slice(1), replacement);
  return Array.isArray(value) ? value.map((v, i) => (i === k ? next : v)) : { ...value, [key]: next };
}

const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileText, fc.double(), fc.constant(null));
const journalLine = fc.oneof(
  fc.tuple(fc.constantFrom(...goodLines), fc.array(fc.nat(), { maxLength: 6 }), jsonish).map(([line, path, v]) => JSON.stringify(mutateJson(line, path, v))),
  // Mostly good lines, so that whole journals get accepted too (a run-start, a plan, migrations).
  { arbitrary: fc.constantFrom(...goodLines).map((l) => JSON.stringify(l)), weight: 6 },
  jsonish.map((v) => JSON.stringify(v) ?? 'undefined'),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

test('fuzz: the journal reader accepts or refuses (exit 4), never crashes', { timeout: 120_000 }, (t) => {
  const file = join(tempDir, 'fuzz.journal.jsonl');
  const started = Date.now();
  let runs = 0;
  let accepted = 0;
  fc.assert(
    fc.property(fc.array(journalLine, { maxLength: 8 }), fc.boolean(), (lines, trailingNewline) => {
      runs++;
      writeFileSync(file, lines.join('\n') + (trailingNewline ? '\n' : ''));
      if (acceptedOrRefused(() => readJournal(file, { playbook: OWNER, hosts: ['A', 'B'] }))) accepted++;
      acceptedOrRefused(() => readJournal(file));
    }),
    { seed: SEED, numRuns: RUNS * 2 },
  );
  t.diagnostic(`seed ${SEED}: ${runs} journals (${accepted} accepted) in ${Date.now() - started} ms`);
});

/** Replaces every string leaf with a generated string and every number with a generated one in the schema's range. */
function hostileLeaves(value: unknown, strings: () => string, numbers: () => number): unknown {
  if (typeof value === 'string') return strings();
  if (typeof value === 'number') return Number.isInteger(value) ? Math.round(numbers()) : numbers();
  if (Array.isArray(value)) return value.map((v) => hostileLeaves(v, strings, numbers));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hostileLeaves(v, strings, numbers)]));
  return value;
}

test('fuzz: tsmig report reads or refuses any run report (exit 4), and renders every format of what it reads', { timeout: 120_000 }, async (t) => {
  const demo = runReportToJson(await demoReport());
  const started = Date.now();
  let runs = 0;
  let rendered = 0;
  const renderAll = (text: string): void => {
    let report;
    try {
      report = parseRunReport(text, 'fuzz.json');
    } catch (error) {
      if (error instanceof TsmigError && error.exitCode === ExitCode.invalidInputOrUnreachable) return;
      throw error;
    }
    for (const format of REPORT_FORMATS) assert.equal(typeof renderReportFormat(report, format), 'string');
    rendered++;
  };
  fc.assert(
    fc.property(
      fc.oneof(
        // One field anywhere replaced by anything: mostly refused by the schema.
        fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), jsonish).map(([path, v]) => JSON.stringify(mutateJson(demo, path, v))),
        // Every string hostile, every number odd but in range: accepted, and rendered.
        fc.tuple(fc.array(hostileText, { minLength: 1, maxLength: 20 }), fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e12, noNaN: true })), { minLength: 1, maxLength: 20 })).map(([strings, numbers]) => {
          let s = 0;
          let n = 0;
          const leaves = hostileLeaves(demo, () => strings[s++ % strings.length]!, () => numbers[n++ % numbers.length]!) as Record<string, unknown>;
          // Fields the schema fixes (tool name, version, enums) stay as they were.
          return JSON.stringify({ ...leaves, schema_version: demo.schema_version, tool: demo.tool, strategy: demo.strategy, driver: demo.driver, plan: demo.plan, migrations: (leaves.migrations as Array<Record<string, unknown>>).map((m, i) => ({ ...m, mode: (demo.migrations as Array<Record<string, unknown>>)[i]!.mode, status: (demo.migrations as Array<Record<string, unknown>>)[i]!.status })) });
        }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        jsonish.map((v) => JSON.stringify(v) ?? ''),
      ),
      (text) => {
        runs++;
        renderAll(text);
      },
    ),
    { seed: SEED, numRuns: RUNS },
  );
  t.diagnostic(`seed ${SEED}: ${runs} run reports (${rendered} accepted and rendered in ${REPORT_FORMATS.length} formats) in ${Date.now() - started} ms`);
  assert.ok(rendered > 0, 'some hostile reports are valid and get rendered');
});
