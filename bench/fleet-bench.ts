// Fleet bench: playbooks/fleet-sim.yml (50 hosts, 1,000 VMs, 200 migrations on the simulator).
// 1. `tsmig run` as a user starts it without a terminal: wall and CPU time, beside start-up and
//    playbook loading alone, so what the run itself costs is visible.
// 2. Where an in-process run spends its CPU, stage by stage.
// 3. Progress rendering side by side on the same run: none, plain lines, the live view (listr2
//    stages + the compact Migrate body) on a fake 120×50 terminal; runs alternate so machine load
//    hits each alike; medians. Target: the live view costs < 5 % of the run's wall time over plain.
//    Besides whole-run times (noisy on a loaded machine), the renderer's own time is counted
//    directly: its event handling (inside emit) and its redraws (listr2's timer ticks and redraws).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimDriver } from '../src/drivers/sim/sim-driver.ts';
import { EngineEvents } from '../src/executor/engine-events.ts';
import { runWorkflow } from '../src/executor/run-workflow.ts';
import { loadPlaybook } from '../src/playbook/load-playbook.ts';
import type { Playbook } from '../src/playbook/types.ts';
import { startListrProgress } from '../src/report/progress-listr.ts';
import { DefaultRenderer, Spinner } from 'listr2';
import { startPlainProgress } from '../src/report/progress-plain.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLAYBOOK = join(root, 'playbooks/fleet-sim.yml');
const BIN = join(root, 'bin/tsmig.js');
const CLI_RUNS = 3;
const RENDER_ROUNDS = 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** CPU seconds of this process's waited-for children (Linux /proc), to time a child under load. */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After the command's ")": field 16 cutime and 17 cstime of proc(5) are at 13 and 14, in clock ticks (100 Hz).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

function timeCli(args: string[]): { wallMs: number; cpuMs?: number; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'tsmig-fleet-bench-'));
  const walls: number[] = [];
  const cpus: number[] = [];
  let status: number | null = null;
  try {
    for (let i = 0; i < CLI_RUNS; i++) {
      const cpu0 = childrenCpuMs();
      const t0 = performance.now();
      const r = spawnSync('node', [BIN, ...args], { cwd: dir, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
      walls.push(performance.now() - t0);
      const cpu1 = childrenCpuMs();
      if (cpu0 !== undefined && cpu1 !== undefined) cpus.push(cpu1 - cpu0);
      status = r.status;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { wallMs: median(walls), cpuMs: cpus.length > 0 ? median(cpus) : undefined, status };
}

function cliRow(label: string, args: string[]): string {
  const t = timeCli(args);
  return `${label.padEnd(44)} wall ${s(t.wallMs).padStart(8)}   CPU ${t.cpuMs === undefined ? '—' : s(t.cpuMs).padStart(8)}   exit ${t.status}`;
}

type Renderer = 'none' | 'plain' | 'live';

/** Wall ms spent in the renderer's own code during the current run (nested calls counted once). */
let rendererMs = 0;
let depth = 0;
function counted<T>(work: () => T): T {
  if (depth > 0) return work();
  depth += 1;
  const t0 = performance.now();
  try {
    return work();
  } finally {
    rendererMs += performance.now() - t0;
    depth -= 1;
  }
}
/** Events delivered to the renderers: their handlers' time is the renderer's (no other listener is attached). */
class CountedEvents extends EngineEvents {
  override emit(...args: Parameters<EngineEvents['emit']>): void {
    counted(() => super.emit(...args));
  }
}
// listr2's redraws: on its timer ticks (which set the view's outputs first) and on task changes.
const spinnerStart = Spinner.prototype.start;
Spinner.prototype.start = function (this: Spinner, cb?: () => void, interval?: number): void {
  spinnerStart.call(this, cb && ((): void => counted(cb)), interval);
};
const rendererUpdate = DefaultRenderer.prototype.update;
DefaultRenderer.prototype.update = function (this: DefaultRenderer): void {
  counted(() => rendererUpdate.call(this));
};

/** One in-process run with a renderer attached; the renderer's output goes to a sink that counts. */
async function runWith(playbook: Playbook, renderer: Renderer, onStage?: (stage: string, cpuMs: number) => void): Promise<{ ms: number; cpuMs: number; bytes: number; writes: number; rendererMs: number }> {
  const events = new CountedEvents();
  let bytes = 0;
  let writes = 0;
  const sink = { isTTY: true, columns: 120, rows: 50, write: (text: string) => ((bytes += text.length), (writes += 1), true) };
  const stopPlain = renderer === 'plain' ? startPlainProgress(events, (line) => sink.write(`${line}\n`), 'normal') : undefined;
  const driver = createSimDriver(playbook.inventory);
  const live =
    renderer === 'live' ? startListrProgress(events, { stream: sink, clock: driver.clock, maxParallel: playbook.constraints.maxParallel, check: false, planRows: 20 }) : undefined;
  await live?.ready;
  let cpu = process.cpuUsage();
  if (onStage) {
    events.subscribe((e) => {
      if (e.type !== 'stage' || e.status !== 'end') return;
      const used = process.cpuUsage(cpu);
      onStage(e.stage, (used.user + used.system) / 1000);
      cpu = process.cpuUsage();
    });
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  rendererMs = 0;
  await runWorkflow(playbook, driver, events, { check: false, stop: new AbortController().signal, abortRunning: new AbortController().signal });
  await live?.finish();
  stopPlain?.();
  const used = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (used.user + used.system) / 1000, bytes, writes, rendererMs };
}

const playbook = loadPlaybook(PLAYBOOK);
const vms = playbook.inventory.hosts.reduce((n, h) => n + h.simVms.length, 0);
console.log(`Fleet bench: playbooks/fleet-sim.yml (${playbook.inventory.hosts.length} hosts, ${vms} VMs, sim), median of ${CLI_RUNS} runs`);
// --render: only the side-by-side renderer rows.
if (!process.argv.includes('--render')) {
  console.log('');
  console.log(cliRow('tsmig run (no TTY, CI=1)', ['run', PLAYBOOK, '--journal', 'journal.jsonl']));
  console.log(cliRow('  start-up alone (tsmig --version)', ['--version']));
  console.log(cliRow('  start-up + playbook load (tsmig validate)', ['validate', PLAYBOOK]));
  console.log(cliRow('  … + measure + plan (tsmig plan)', ['plan', PLAYBOOK]));
}

console.log('');
await runWith(playbook, 'none'); // warm-up: the JIT, as a long-running engine would be
const stageCpu: string[] = [];
await runWith(playbook, 'none', (stage, cpuMs) => stageCpu.push(`${stage} ${cpuMs.toFixed(0)} ms`));
console.log(`In-process run, CPU per stage (warm): ${stageCpu.join(', ')}`);

console.log('');
const wall: Record<Renderer, number[]> = { none: [], plain: [], live: [] };
const own: Record<Renderer, number[]> = { none: [], plain: [], live: [] };
const cpu: Record<Renderer, number[]> = { none: [], plain: [], live: [] };
const output: Record<Renderer, { bytes: number; writes: number }> = { none: { bytes: 0, writes: 0 }, plain: { bytes: 0, writes: 0 }, live: { bytes: 0, writes: 0 } };
for (let round = 0; round < RENDER_ROUNDS; round++) {
  for (const r of ['none', 'plain', 'live'] as const) {
    const { ms, cpuMs, bytes, writes, rendererMs: ownMs } = await runWith(playbook, r);
    wall[r].push(ms);
    own[r].push((100 * ownMs) / ms);
    cpu[r].push(cpuMs);
    output[r] = { bytes, writes };
  }
}
// CPU time is what rendering costs; wall time follows it on a quiet machine, the load otherwise.
const plainCpu = median(cpu.plain);
const plainWall = median(wall.plain);
console.log(`Progress rendering, the same 200-migration run side by side (median of ${RENDER_ROUNDS}, alternating):`);
for (const r of ['none', 'plain', 'live'] as const) {
  const c = median(cpu[r]);
  const what = r === 'none' ? 'no progress' : r === 'plain' ? 'plain lines (pipe/CI)' : 'live view, fake 120×50 TTY';
  const w = median(wall[r]);
  const vsPlain = r === 'none' ? '' : r === 'plain' ? '   (reference)' : `   vs plain: CPU ${(((c - plainCpu) / plainCpu) * 100).toFixed(1)} %, wall ${(((w - plainWall) / plainWall) * 100).toFixed(1)} % (target < 5 %)`;
  console.log(`  ${what.padEnd(28)} CPU ${c.toFixed(0).padStart(6)} ms  wall ${w.toFixed(0).padStart(6)} ms   ${String(output[r].writes).padStart(5)} writes, ${String(output[r].bytes).padStart(7)} bytes${vsPlain}`);
}
const ownPlain = median(own.plain);
const ownLive = median(own.live);
console.log(
  `Renderer's own time (event handling + redraws) in % of the run's wall time: plain ${ownPlain.toFixed(2)} %, live ${ownLive.toFixed(2)} %; live over plain ${(ownLive - ownPlain).toFixed(2)} % (target < 5 %)`,
);
