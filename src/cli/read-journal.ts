// `run --resume JOURNAL` reads a journal back. A journal is an input like any other: every line is
// checked against schemas/journal.schema.json, the last run must belong to this playbook (same
// bytes, by sha256) and its plan must make sense for this inventory. Anything else is refused
// with JOURNAL:LINE and exit 4 — a hand-edited or foreign journal is never acted on.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { ExitCode, TsmigError } from '../errors.ts';
import { MAX_JOURNAL_BYTES, type JournalEntry } from '../executor/journal.ts';
import { MAX_YAML_BYTES } from '../playbook/load-yaml.ts';
import type { Plan } from '../planner/types.ts';
import { planFromJson } from '../report/report-json.ts';
import { readRegularFile, readRegularTextFile } from '../util/read-regular-file.ts';
import { schemaProblems } from './json-schemas.ts';

/** Which playbook a journal belongs to: the path as given, the absolute path, the bytes' sha256. */
export interface PlaybookIdentity {
  file: string;
  path: string;
  sha256: string;
}

export function playbookIdentity(file: string): PlaybookIdentity {
  const bytes = readRegularFile(file, 'playbook', MAX_YAML_BYTES);
  return { file, path: resolve(file), sha256: createHash('sha256').update(bytes).digest('hex') };
}

type RunStart = JournalEntry & { type: 'run-start' };
type MigrationLine = JournalEntry & { type: 'migration' };

export interface JournalState {
  plan: Plan;
  /** The last run's run-start (undefined only when the journal has none). */
  runStart?: RunStart;
  /** Last recorded state per VM. */
  lastState: Map<string, MigrationLine>;
  finished: boolean;
}

export interface JournalExpectations {
  /** Refuse a journal whose last run is of another playbook. */
  playbook?: PlaybookIdentity;
  /** Refuse a plan that moves VMs from or to hosts outside these. */
  hosts?: readonly string[];
}

const DEFINITION_OF_TYPE: Record<string, string> = { 'run-start': 'run_start', plan: 'plan', migration: 'migration', 'run-end': 'run_end' };

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** One parsed line → a schema-checked entry, or a refusal naming the line. */
function checkedEntry(value: unknown, where: string): JournalEntry {
  const type = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  // Own keys only: a type of "__proto__" or "constructor" is not an entry type.
  if (typeof type !== 'string' || !Object.hasOwn(DEFINITION_OF_TYPE, type)) {
    const what = type === undefined ? kindOf(value) : `an entry of type ${JSON.stringify(type)}`;
    throw new TsmigError(`${where}: not a journal entry (${what}; expected an object of type run-start, plan, migration or run-end)`, ExitCode.invalidInputOrUnreachable);
  }
  const problems = schemaProblems(`journal.schema.json#/definitions/${DEFINITION_OF_TYPE[type]!}`, value, 'the entry');
  if (problems.length > 0) {
    throw new TsmigError(`${where}: not a valid ${type} entry: ${problems.join('; ')}`, ExitCode.invalidInputOrUnreachable);
  }
  return type === 'plan' ? { ...(value as JournalEntry & { type: 'plan' }), plan: planFromJson((value as { plan: unknown }).plan) } : (value as JournalEntry);
}

function refuse(message: string): never {
  throw new TsmigError(message, ExitCode.invalidInputOrUnreachable);
}

function checkOwner(path: string, runStart: RunStart | undefined, runStartLine: number, playbook: PlaybookIdentity): void {
  if (!runStart) refuse(`${path}: the journal has no run-start line, so it cannot say which playbook it belongs to; run the playbook again without --resume`);
  if (runStart.playbook_sha256 === playbook.sha256) return;
  const at = `${path}:${runStartLine}`;
  if (runStart.playbook_path === playbook.path) {
    refuse(
      `${at}: this journal was written for ${runStart.file} before the playbook changed (sha256 ${runStart.playbook_sha256.slice(0, 12)}…, now ${playbook.sha256.slice(0, 12)}…); ` +
        'its plan may not fit the playbook any more: run the playbook again without --resume (VMs already on their destination are found in place)',
    );
  }
  refuse(`${at}: this journal belongs to the playbook ${runStart.file} (${runStart.playbook_path}), not to ${playbook.file}; resume that one: tsmig run ${runStart.file} --resume ${path}`);
}

function checkPlan(plan: Plan, where: string, hosts: readonly string[] | undefined): void {
  const firstIndex = new Map<string, number>();
  const known = hosts ? new Set(hosts) : undefined;
  plan.migrations.forEach((m, i) => {
    const earlier = firstIndex.get(m.vm);
    if (earlier !== undefined) refuse(`${where}: the plan lists VM ${m.vm} twice (migrations ${earlier} and ${i}); tsmig never writes that: run the playbook again without --resume`);
    firstIndex.set(m.vm, i);
    if (m.from === m.to) refuse(`${where}: plan.migrations.${i} moves VM ${m.vm} from ${m.from} to itself`);
    for (const side of ['from', 'to'] as const) {
      if (known && !known.has(m[side])) refuse(`${where}: plan.migrations.${i}.${side}: host ${JSON.stringify(m[side])} is not in the inventory (VM ${m.vm})`);
    }
  });
}

export function readJournal(path: string, expect: JournalExpectations = {}): JournalState {
  const text = readRegularTextFile(path, 'journal', MAX_JOURNAL_BYTES);
  let plan: Plan | undefined;
  let planLine = 0;
  let runStart: RunStart | undefined;
  let runStartLine = 0;
  let finished = false;
  const lastState = new Map<string, MigrationLine>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line cut short by a kill mid-write: everything before it is intact.
      if (i >= lines.length - 2) return;
      refuse(`${where}: not a journal line (not JSON)`);
    }
    const entry = checkedEntry(value, where);
    if (entry.type === 'run-start') {
      // Each run appends; only the last run counts.
      runStart = entry;
      runStartLine = i + 1;
      plan = undefined;
      finished = false;
      lastState.clear();
    } else if (entry.type === 'plan') {
      plan = entry.plan;
      planLine = i + 1;
    } else if (entry.type === 'migration' && entry.state !== 'retrying') lastState.set(entry.vm, entry);
    else if (entry.type === 'run-end') finished = true;
  });
  if (expect.playbook) checkOwner(path, runStart, runStartLine, expect.playbook);
  if (!plan) refuse(`${path}: the journal has no plan (the run stopped before planning: just run the playbook again)`);
  checkPlan(plan, `${path}:${planLine}`, expect.hosts);
  return { plan, runStart, lastState, finished };
}

/** The playbook path the journal's last run belongs to, or undefined (empty, or not readable as one). */
export function journalOwnerPath(path: string): string | undefined {
  let owner: string | undefined;
  for (const line of readRegularTextFile(path, 'journal', MAX_JOURNAL_BYTES).split('\n')) {
    if (!line.includes('"run-start"')) continue;
    try {
      const value = JSON.parse(line) as { type?: unknown; playbook_path?: unknown };
      if (value?.type === 'run-start' && typeof value.playbook_path === 'string') owner = value.playbook_path;
    } catch {
      // Not this check's business: --resume reports bad lines.
    }
  }
  return owner;
}
