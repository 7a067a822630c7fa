// Shared by the lab tests: the running lab (test/lab/lab.sh, started by run-lab-tests.sh), the
// tsmig CLI run as a user runs it, and virsh asked directly on each host for the truth.
import { execa } from 'execa';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Both guests running on hostA and nothing on hostB: moves them back with virsh when they run
 * on hostB only, and otherwise (paused, split by a post-copy, shut off, on both hosts, reset on
 * the way) destroys them wherever they are and boots them again on hostA. A test that failed half-way must not
 * leave the next one a lab in a state it did not ask for.
 */
export async function guestsHomeOnA(): Promise<void> {
  const [a, b] = await Promise.all([domainsOn('hostA'), domainsOn('hostB')]);
  const homeable = b.every((d) => d.state === 'running' && !a.some((x) => x.name === d.name));
  if (homeable) {
    try {
      for (const d of b) await lab('exec', 'hostB', 'virsh', '-c', 'qemu:///system', 'migrate', '--live', d.name, 'qemu+ssh://hostA/system');
    } catch {
      // left to reset-guests below
    }
  }
  const [onA, onB] = await Promise.all([runningOn('hostA'), domainsOn('hostB')]);
  // A guest that reset lost its TCP stream, and the receiver still holds the dead one: boot both.
  const reset = Object.values(guestResets()).some((r) => r.resets > 0);
  if (reset || onB.length > 0 || guests.some((g) => !onA.includes(g)) || onA.length !== guests.length) await lab('reset-guests');
}

export interface CliRun {
  exitCode: number;
  json: Record<string, unknown> & {
    measurements?: { vms: Array<{ vm: string; host: string; tx_mbps: number; rx_mbps: number; dirty_mib_per_s?: number }> };
    plan?: { migrations: Array<{ vm: string; from: string; to: string; mode: string; wave: number }> };
    migrations?: Array<{ vm: string; mode: string; status: string; duration_s: number; started_s: number; finished_s: number; bytes: number; downtime_ms: number; retries: number; vm_on: string | null }>;
  };
  stderr: string;
  wallMs: number;
}

/** The run's record of one VM's migration (from its --json report). */
export function migrationOf(run: CliRun, vm: string) {
  return run.json.migrations?.find((m) => m.vm === vm);
}

export interface TsmigOptions {
  /** Sees progress lines as they come (to inject faults at the right moment), and tsmig's pid. */
  onStderr?: (line: string, pid: number) => void;
  /** The test's own signal (`t.signal`): a test that times out takes its tsmig with it. */
  signal?: AbortSignal;
  /** SIGTERM (tsmig's interrupt) after this long; below the test's timeout so stderr is shown. */
  timeoutMs?: number;
}

/** `tsmig ARGS --json --verbose` from the repo, as a user runs it. */
export async function tsmig(args: string[], options: TsmigOptions = {}): Promise<CliRun> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 150_000;
  const child = execa('node', [join(repo, 'bin/tsmig.js'), ...args, '--json', '--verbose'], {
    cwd: repo,
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: 30_000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    if (options.onStderr) for (const line of text.split('\n')) if (line.trim()) options.onStderr(line, child.pid ?? 0);
  });
  const result = await child;
  let json: CliRun['json'] = {};
  try {
    json = JSON.parse(String(result.stdout)) as CliRun['json'];
  } catch {
    // left empty: the assertions on exitCode and stderr say what happened
  }
  if (result.timedOut) stderr += `\n[lab-helpers: tsmig stopped after ${timeoutMs / 1000} s]\n`;
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

/**
 * Boots of each guest since reset-guests booted it, read from its console logs on both hosts (a
 * migrated guest writes on in its destination's): one TSMIG-GUEST-READY per boot, so more than
 * one means it reset. A reset guest (a kernel panic reboots it) restarts where it is
 * (on_reboot=restart, libvirt's default, as for a production VM), so placement alone would not
 * show it. `bootsOn` says where the boots were seen.
 */
export function guestResets(): Record<string, { resets: number; bootsOn: Record<string, number> }> {
  const result: Record<string, { resets: number; bootsOn: Record<string, number> }> = {};
  for (const g of guests) {
    const bootsOn: Record<string, number> = {};
    for (const host of ['hostA', 'hostB']) {
      const log = join(labDir, 'hosts', host, 'log-libvirt', 'qemu', `${g}-console.log`);
      const boots = existsSync(log) ? (readFileSync(log, 'utf8').match(/TSMIG-GUEST-READY/g) ?? []).length : 0;
      if (boots > 0) bootsOn[host] = boots;
    }
    const total = Object.values(bootsOn).reduce((a, b) => a + b, 0);
    result[g] = { resets: Math.max(0, total - 1), bootsOn };
  }
  return result;
}

/**
 * The promise to the operator, checked with virsh on both hosts: every guest runs on exactly one
 * host and is paused nowhere. Returns where each one runs. A guest that reset on the way (seen
 * after some retried pre-copies on QEMU 7.2 TCG, test/lab/README.md) is recorded, not failed:
 * it is the guest's doing, invisible to libvirt's placement, and tsmig cannot see it either.
 */
export async function assertEveryGuestOnExactlyOneHost(): Promise<Record<string, string>> {
  const resets = guestResets();
  if (Object.values(resets).some((r) => r.resets > 0)) recordMeasurement('guest reset seen (console log)', resets);
  const listed = { hostA: await domainsOn('hostA'), hostB: await domainsOn('hostB') };
  const where: Record<string, string> = {};
  for (const g of guests) {
    const on = Object.entries(listed).flatMap(([host, ds]) => ds.filter((d) => d.name === g).map((d) => `${host}:${d.state}`));
    const running = on.filter((x) => x.endsWith(':running'));
    if (running.length !== 1 || on.length !== 1) throw new Error(`${g} is not running on exactly one host: ${on.join(', ') || 'nowhere'}`);
    where[g] = running[0]!.split(':')[0]!;
  }
  return where;
}

/** The run's own account (its report's vm_on) agrees with virsh. */
export function assertReportMatches(run: CliRun, where: Record<string, string>): void {
  for (const m of run.json.migrations ?? []) {
    if (m.vm_on !== where[m.vm]) throw new Error(`the report says ${m.vm} runs on ${m.vm_on}, virsh says ${where[m.vm]}`);
  }
}
