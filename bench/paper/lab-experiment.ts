// The seed's experiment 1 at lab scale: on the two-host lab with the link shaped by tc, gsend
// and grecv move hostA → hostB with each strategy, several times, through the real CLI; guest
// traffic is polled from domstats on both hosts throughout each run.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Strategy } from '../../src/planner/types.ts';
import type { RunReport } from '../../src/executor/run-report.ts';
import { runReportFromJson } from '../../src/report/report-json.ts';
import { otherLabUsers } from './lab-busy.ts';
import { startLabPoller } from './lab-traffic-poller.ts';
import { guestRatesInWindow, guestTotalsAt, nicRatesInWindow, nicRateSeries, type HostPoll } from './lab-traffic-window.ts';
import { STRATEGIES } from './seed-figures.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const labDir = process.env.TSMIG_LAB_DIR ?? '/tmp/tsmig-lab';
const labScript = join(repo, 'test/lab/lab.sh');
export const LAB_PLAYBOOK = 'playbooks/paper-lab.yml';
/** What `lab.sh shape RATE` sets besides the rate (its defaults; test/lab/lab.sh says why). */
export const LAB_SHAPING = 'tbf on both ends of its veth pair, 16 KiB burst, 10 ms queue; tcp_notsent_lowat 16 KiB on each host';
const STREAM_WAIT_MS = 60_000;
const STREAM_STARTED_BYTES = 2 * 1024 * 1024;
const CLI_TIMEOUT_MS = 15 * 60_000;
const LAB_RUN_ATTEMPTS = 3;
const LAB_IDLE_WAIT_MS = 60 * 60_000;
const LAB_IDLE_POLL_MS = 20_000;

export interface LabOptions {
  repetitions: number;
  /** tc rate for `lab.sh shape`, e.g. "16mbit". */
  linkRate: string;
  /** MiB grecv rewrites every second (0: like the seed's netperf server, which dirties ~none). */
  grecvDirtyMib: number;
  /**
   * external: gsend sends to, and grecv receives from, a client outside both hosts (this
   * machine), so their streams cross the hosts' NICs before and after migrating, like the
   * seed's flows; internal: gsend sends to grecv, host-local until one of them moves.
   */
  traffic: 'external' | 'internal';
  log: (line: string) => void;
  /** The strategies to run, each once per repetition (default: all three). */
  strategies?: readonly Strategy[];
  /** Called once the lab is up, before the first run (to read what it runs on). */
  onLabUp?: () => Promise<void>;
}

export interface LabRun {
  strategy: Strategy;
  repetition: number;
  /** The run report tsmig wrote (a temp file, kept for inspection). */
  reportFile: string;
  exitCode: number;
  totalMigrationTimeS: number;
  dataTransferredBytes: number;
  modes: Record<string, string>;
  failures: string[];
  /** Guest traffic during the migration window (first start to last end), bytes/s. */
  gsendTxBytesPerS: number;
  grecvRxBytesPerS: number;
  /** The same over the run's measurement phase, before any migration. */
  baselineGsendTxBytesPerS: number;
  baselineGrecvRxBytesPerS: number;
  /** Throughput during migration ÷ before, averaged over both streams (gsend's out, grecv's in). */
  streamKept: number;
  /** Guests that did not arrive running, or booted again on arrival (a second boot on hostB's console). */
  guestsLost: string[];
  /** Each host link's average use during the migration window, bytes/s (host view). */
  linkDuring: Record<string, { txBytesPerS: number; rxBytesPerS: number } | undefined>;
  /** The same in 5 s bins from the first migration's start: the NIC charts as numbers. */
  linkSeries: Record<string, Array<{ atS: number; txBytesPerS: number; rxBytesPerS: number }>>;
  /** The machine's 1-minute load average as the run started and ended (2 shared cores). */
  load1: { start: number; end: number };
  /** The plan's estimate of the total migration time (its time model), when it made one. */
  predictedTmtS: number | undefined;
  /** Per VM: the plan's estimate and the measured migration time (duration_s). */
  durations: Record<string, { mode: string; predictedS: number | undefined; measuredS: number | null }>;
}

const LAB_HOSTS = ['hostA', 'hostB'] as const;
const LINK_SERIES_BIN_MS = 5000;

export async function runLabExperiment(options: LabOptions): Promise<LabRun[]> {
  if (process.getuid?.() !== 0) throw new Error('the lab needs root (npm run paper -- --lab as root)');
  await waitForLabIdle(options.log);
  const broughtUp = !(await labIsUp());
  if (broughtUp) {
    options.log('lab: not up, bringing it up');
    await bootGuests('up', options);
  }
  await options.onLabUp?.();
  const runs: LabRun[] = [];
  if (options.traffic === 'external') await lab('external-traffic', 'start');
  const strategies = options.strategies ?? STRATEGIES;
  try {
    for (let repetition = 1; repetition <= options.repetitions; repetition++) {
      // Rotate the order so drift in machine load does not favour one strategy.
      const order = strategies.map((_, i) => strategies[(i + repetition - 1) % strategies.length]!);
      for (const strategy of order) runs.push(await labRunWithRetries(strategy, repetition, options));
    }
  } finally {
    await lab('unshape').catch(() => undefined);
    await lab('external-traffic', 'stop').catch(() => undefined);
    if (broughtUp) await lab('down').catch(() => undefined);
  }
  return runs;
}

/** A run the lab itself spoiled (someone rebuilt it, a guest left behind) is tried again. */
async function labRunWithRetries(strategy: Strategy, repetition: number, options: LabOptions): Promise<LabRun> {
  for (let attempt = 1; ; attempt++) {
    await waitForLabIdle(options.log);
    // Another user's `lab.sh up` recreates the veths and drops the shaping: apply it every time.
    await lab('shape', options.linkRate);
    try {
      const run = await labRun(strategy, repetition, options);
      options.log(
        `lab: ${strategy} #${repetition} (${run.reportFile}): exit ${run.exitCode}, TMT ${run.totalMigrationTimeS} s, gsend tx ${(run.gsendTxBytesPerS / 1e3).toFixed(0)} kB/s, grecv rx ${(run.grecvRxBytesPerS / 1e3).toFixed(0)} kB/s${run.failures.length ? `, failed: ${run.failures.join('; ')}` : ''}`,
      );
      return run;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`lab: ${strategy} #${repetition} attempt ${attempt} spoiled: ${message.split('\n').slice(-3).join(' ')}`);
      if (attempt >= LAB_RUN_ATTEMPTS) throw error;
    }
  }
}

async function waitForLabIdle(log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + LAB_IDLE_WAIT_MS;
  for (let busy = otherLabUsers(), waited = false; busy.length > 0; busy = otherLabUsers(), waited = true) {
    if (Date.now() > deadline) throw new Error(`the lab stayed in use for ${LAB_IDLE_WAIT_MS / 60_000} min:\n  ${busy.join('\n  ')}`);
    if (!waited) log(`lab: in use by others (${busy[0]}), waiting`);
    await sleep(LAB_IDLE_POLL_MS);
  }
}

async function labRun(strategy: Strategy, repetition: number, options: LabOptions): Promise<LabRun> {
  await bootGuests('reset-guests', options);
  // A destroyed guest sends no FIN: the outside sink's nc would wait on the dead connection forever
  // and never listen again, so the new gsend could not connect. Fresh client for every run.
  if (options.traffic === 'external') await lab('external-traffic', 'start');
  await requireGuestsHomeOnA();
  const sshConfig = join(labDir, 'ssh_config');
  const pollers = LAB_HOSTS.map((h) => startLabPoller(h, sshConfig));
  const loadAtStart = loadavg()[0]!;
  try {
    await waitForStream(pollers[0]!.polls);
    const reportFile = join(mkdtempSync(join(tmpdir(), 'tsmig-paper-lab-')), 'report.json');
    const cli = await execa('node', [join(repo, 'bin/tsmig.js'), 'run', join(repo, LAB_PLAYBOOK), '-i', join(labDir, 'inventory.yml'), '--strategy', strategy, '--json', '--report', reportFile], {
      cwd: repo,
      reject: false,
      timeout: CLI_TIMEOUT_MS,
    });
    await sleep(1500); // one more poll on each host after the run
    await Promise.all(pollers.map((p) => p.stop()));
    if (!existsSync(reportFile)) throw new Error(`tsmig run (${strategy}) wrote no report; exit ${cli.exitCode}: ${String(cli.stderr).slice(-2000)}`);
    const report = runReportFromJson(JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>);
    const polls = pollers.flatMap((p) => p.polls);
    // The raw counters beside the report, for checking any figure derived from them.
    writeFileSync(join(dirname(reportFile), 'polls.json'), JSON.stringify(polls.map((p) => ({ ...p, guests: Object.fromEntries(p.guests) }))));
    const run = summarize(report, reportFile, strategy, repetition, cli.exitCode ?? -1, polls);
    const rebooted = (['gsend', 'grecv'] as const).filter((g) => bootedOnArrival(g) && !run.guestsLost.includes(g));
    return { ...run, guestsLost: [...run.guestsLost, ...rebooted], load1: { start: loadAtStart, end: loadavg()[0]! } };
  } finally {
    await Promise.all(pollers.map((p) => p.stop()));
  }
}

/**
 * reset-guests moved every earlier console log aside, so a boot banner in hostB's log is a guest
 * that reset as it arrived (test/lab/README.md): it runs, but its stream died with it.
 */
function bootedOnArrival(guest: string): boolean {
  const log = join(labDir, 'hosts/hostB/log-libvirt/qemu', `${guest}-console.log`);
  return existsSync(log) && readFileSync(log, 'utf8').includes('TSMIG-GUEST-READY');
}

function summarize(report: RunReport, reportFile: string, strategy: Strategy, repetition: number, exitCode: number, polls: HostPoll[]): Omit<LabRun, 'load1'> {
  const runStartMs = Date.parse(report.started_at);
  const moved = report.migrations.filter((m) => m.started_s !== null && m.finished_s !== null);
  const fromMs = runStartMs + Math.min(...moved.map((m) => m.started_s!)) * 1000;
  const toMs = runStartMs + Math.max(...moved.map((m) => m.finished_s!)) * 1000;
  const during = { gsend: guestRatesInWindow(polls, 'gsend', fromMs, toMs), grecv: guestRatesInWindow(polls, 'grecv', fromMs, toMs) };
  const before = { gsend: guestRatesInWindow(polls, 'gsend', runStartMs, fromMs), grecv: guestRatesInWindow(polls, 'grecv', runStartMs, fromMs) };
  // A stream that was not flowing before the migrations cannot say how much of it was kept.
  for (const [guest, rate] of [['gsend', before.gsend.txBytesPerS], ['grecv', before.grecv.rxBytesPerS]] as const) {
    if (!(rate > 0)) throw new Error(`${guest}'s stream carried nothing before the migrations (run report ${reportFile}): no baseline`);
  }
  // Counters summed over hosts only grow; a negative rate (seen once in a trial run) is a reading
  // this summary cannot explain, so the run is spoiled (and tried again) rather than counted.
  for (const [guest, rate] of [['gsend', during.gsend.txBytesPerS], ['grecv', during.grecv.rxBytesPerS]] as const) {
    if (rate < 0) throw new Error(`${guest}'s counters went backwards during the migrations (polls beside ${reportFile})`);
  }
  return {
    strategy,
    repetition,
    reportFile,
    exitCode,
    totalMigrationTimeS: report.summary.total_migration_time_s,
    dataTransferredBytes: report.summary.data_transferred_bytes,
    modes: Object.fromEntries(report.migrations.map((m) => [m.vm, m.mode])),
    failures: report.migrations.filter((m) => m.status === 'failed').map((m) => `${m.vm}: ${m.error ?? 'failed'}`),
    gsendTxBytesPerS: during.gsend.txBytesPerS,
    grecvRxBytesPerS: during.grecv.rxBytesPerS,
    baselineGsendTxBytesPerS: before.gsend.txBytesPerS,
    baselineGrecvRxBytesPerS: before.grecv.rxBytesPerS,
    streamKept: (during.gsend.txBytesPerS / before.gsend.txBytesPerS + during.grecv.rxBytesPerS / before.grecv.rxBytesPerS) / 2,
    guestsLost: report.migrations.filter((m) => m.status === 'failed').map((m) => m.vm),
    linkDuring: Object.fromEntries(LAB_HOSTS.map((h) => [h, nicRatesInWindow(polls, h, fromMs, toMs)])),
    linkSeries: Object.fromEntries(LAB_HOSTS.map((h) => [h, nicRateSeries(polls, h, fromMs, toMs, LINK_SERIES_BIN_MS)])),
    predictedTmtS: report.plan.estimatedTotalTimeS,
    durations: Object.fromEntries(report.migrations.map((m) => [m.vm, { mode: m.mode, predictedS: m.predicted_duration_s, measuredS: m.duration_s }])),
  };
}

/**
 * Waits until both streams are up: gsend has sent, and grecv received, a couple of MB since
 * polling began. grecv's feeder outside the hosts is restarted per run and reconnects a few
 * seconds after gsend's; a run started before that measures grecv's "before" rate as 0.
 */
async function waitForStream(polls: HostPoll[]): Promise<void> {
  const deadline = Date.now() + STREAM_WAIT_MS;
  const flowing = (guest: 'gsend' | 'grecv', direction: 'txBytes' | 'rxBytes'): boolean => {
    const first = polls.find((p) => p.guests.has(guest));
    const last = polls.at(-1);
    return !!first && !!last && guestTotalsAt(polls, guest, last.atMs)[direction] - (first.guests.get(guest)?.[direction] ?? 0) >= STREAM_STARTED_BYTES;
  };
  while (Date.now() < deadline) {
    if (flowing('gsend', 'txBytes') && flowing('grecv', 'rxBytes')) return;
    await sleep(500);
  }
  const missing = [flowing('gsend', 'txBytes') ? '' : 'gsend did not start sending', flowing('grecv', 'rxBytes') ? '' : 'grecv did not start receiving'];
  throw new Error(`${missing.filter(Boolean).join(' and ')} within ${STREAM_WAIT_MS / 1000} s of reset-guests`);
}

/** After reset-guests: both guests running on hostA, nothing of theirs on hostB. */
async function requireGuestsHomeOnA(): Promise<void> {
  const list = async (host: string) => (await execa(labScript, ['exec', host, 'virsh', '-c', 'qemu:///system', 'list', '--all', '--name'], { cwd: repo })).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const [onA, onB] = await Promise.all([list('hostA'), list('hostB')]);
  const strays = onB.filter((d) => d === 'gsend' || d === 'grecv');
  if (!onA.includes('gsend') || !onA.includes('grecv') || strays.length > 0) throw new Error(`after reset-guests: hostA has ${onA.join(', ') || 'nothing'}, hostB has ${onB.join(', ') || 'nothing'}`);
}

async function labIsUp(): Promise<boolean> {
  const r = await execa(labScript, ['status'], { cwd: repo, reject: false });
  return r.exitCode === 0 && existsSync(join(labDir, 'inventory.yml'));
}

async function lab(...args: string[]): Promise<void> {
  await execa(labScript, args, { cwd: repo });
}

/** `lab.sh up` or `reset-guests`, booting the guests as this experiment wants them. */
async function bootGuests(command: 'up' | 'reset-guests', options: LabOptions): Promise<void> {
  await execa(labScript, [command], { cwd: repo, env: { TSMIG_LAB_GRECV_DIRTY_MIB: String(options.grecvDirtyMib), TSMIG_LAB_TRAFFIC: options.traffic } });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
