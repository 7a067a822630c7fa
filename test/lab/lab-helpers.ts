// Shared by the lab tests: the running lab (test/lab/lab.sh, started by run-lab-tests.sh), the
// tsmig CLI run as a user runs it, and virsh asked directly on each host for the truth.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseListAll, type ListedDomain } from '../../src/drivers/ssh/virsh-parse.ts';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const labDir = process.env.TSMIG_LAB_DIR ?? '/tmp/tsmig-lab';
export const labInventory = join(labDir, 'inventory.yml');
const labScript = join(repo, 'test/lab/lab.sh');
export const guests = ['gsend', 'grecv'] as const;

export async function lab(...args: string[]): Promise<string> {
  const { stdout } = await execa(labScript, args, { cwd: repo });
  return stdout;
}

/** `virsh list --all` inside the host: the lab's own view, not the driver's. */
export async function domainsOn(host: 'hostA' | 'hostB'): Promise<ListedDomain[]> {
  return parseListAll(await lab('exec', host, 'virsh', '-c', 'qemu:///system', 'list', '--all'));
}

export async function runningOn(host: 'hostA' | 'hostB'): Promise<string[]> {
  return (await domainsOn(host))
    .filter((d) => d.state === 'running')
    .map((d) => d.name)
    .sort();
}

/** Both guests running on hostA and nothing on hostB, moving them back with virsh if needed. */
export async function guestsHomeOnA(): Promise<void> {
  for (const vm of await runningOn('hostB')) {
    await lab('exec', 'hostB', 'virsh', '-c', 'qemu:///system', 'migrate', '--live', vm, 'qemu+ssh://hostA/system');
  }
  const onA = await runningOn('hostA');
  if (guests.some((g) => !onA.includes(g))) await lab('reset-guests');
}

export interface CliRun {
  exitCode: number;
  json: Record<string, unknown> & {
    measurements?: { vms: Array<{ vm: string; host: string; txMbps: number; rxMbps: number }> };
    plan?: { migrations: Array<{ vm: string; from: string; to: string; mode: string }> };
    migrations?: Array<{ vm: string; mode: string; status: string; duration_s: number; bytes: number; downtime_ms: number; retries: number; vm_on: string | null }>;
  };
  stderr: string;
  wallMs: number;
}

/**
 * `tsmig ARGS --json` from the repo; `onStderr` sees progress lines as they come (to inject
 * faults at the right moment).
 */
export async function tsmig(args: string[], onStderr?: (line: string) => void): Promise<CliRun> {
  const started = Date.now();
  const child = execa('node', [join(repo, 'bin/tsmig.js'), ...args, '--json', '--verbose'], { cwd: repo, reject: false, timeout: 240_000 });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    if (onStderr) for (const line of text.split('\n')) if (line.trim()) onStderr(line);
  });
  const result = await child;
  let json: CliRun['json'] = {};
  try {
    json = JSON.parse(String(result.stdout)) as CliRun['json'];
  } catch {
    // left empty: the assertions on exitCode and stderr say what happened
  }
  return { exitCode: result.exitCode ?? -1, json, stderr, wallMs: Date.now() - started };
}

/** A copy of the lab inventory with some lines changed, in a temp dir. */
export function inventoryVariant(edit: (yaml: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-lab-inventory-'));
  const file = join(dir, 'inventory.yml');
  writeFileSync(file, edit(readFileSync(labInventory, 'utf8')));
  return file;
}

export function labPlaybook(name: string): string {
  return join(repo, 'playbooks', name);
}

/** Measured figures, appended to test-output/lab-measurements.jsonl and printed. */
export function recordMeasurement(what: string, figures: Record<string, unknown>): void {
  const dir = join(repo, 'test-output');
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'lab-measurements.jsonl'), `${JSON.stringify({ at: new Date().toISOString(), what, ...figures })}\n`);
  console.log(`# lab measurement: ${what}: ${JSON.stringify(figures)}`);
}
