// Markdown for the lab part: median and spread per strategy, beside the seed's experiment 1.
import type { Strategy } from '../../src/planner/types.ts';
import { LAB_PLAYBOOK, LAB_SHAPING, runLabExperiment, type LabOptions, type LabRun } from './lab-experiment.ts';
import { labStack, type LabStack } from './lab-stack.ts';
import { markdownTable } from './markdown-table.ts';
import { SEED_NETPERF, STRATEGIES } from './seed-figures.ts';

export async function labSection(options: LabOptions): Promise<{ markdown: string; runs: LabRun[]; stack?: LabStack }> {
  let runs: LabRun[];
  let stack: LabStack | undefined;
  try {
    runs = await runLabExperiment({ ...options, onLabUp: async () => void (stack = await labStack()) });
  } catch (error) {
    return { markdown: `## Real lab\n\nDid not run: ${error instanceof Error ? error.message : String(error)}`, runs: [] };
  }
  const markdown = [
    `## Real lab, reduced scale (\`${LAB_PLAYBOOK}\`, each host's link shaped to ${options.linkRate} in and ${options.linkRate} out, ${options.repetitions} runs per strategy)`,
    '',
    `Shaping: ${LAB_SHAPING}.`,
    '',
    stack ? `Stack: libvirt ${stack.libvirt}, QEMU ${stack.qemu} (Debian packages ${stack.libvirt_package}, ${stack.qemu_package}).` : 'Stack: not read.',
    '',
    `Two TCG guests on hostA (gsend, 192 MiB, ${options.traffic === 'external' ? 'sends ~1.2–1.7 MB/s over TCP to a client outside both hosts (this machine, on the lab bridge), which sends grecv as much' : 'sends ~1.7 MB/s to grecv over TCP, a stream local to the host until one of them moves'}; grecv, 256 MiB, ${grecvRole(options.grecvDirtyMib)}) move to hostB at once, through \`node bin/tsmig.js run … --strategy S --json --report FILE\`, \`lab.sh reset-guests\` before every run, strategies in rotating order. Guest traffic is polled from \`virsh domstats --interface\` on both hosts every 0.5 s; "during" is the migration window from the run report (first start to last end), "before" the run's own measurement phase. Cells: median [min–max].`,
    '',
    labTable(runs),
    '',
    'Stream kept: per run, each stream\'s throughput during the migration window ÷ before it (gsend\'s out, grecv\'s in), averaged over both streams. Guests lost: guests that did not arrive running, or booted again on arrival. Data and traffic during migration count only runs where both guests arrived; "before", TMT and stream kept count every run. Link use per direction over time, per run, is in the JSON beside this file (`link_series_5s`).',
    '',
    'Every run:',
    '',
    markdownTable(
      ['strategy', 'run', 'exit', 'TMT (s)', 'data (MB)', 'gsend tx (kB/s)', 'grecv rx (kB/s)', 'stream kept', 'hostA out / hostB in during (kB/s)', 'load 1 min', 'modes (gsend, grecv)', 'lost / failed'],
      runs.map((r) => [
        r.strategy,
        String(r.repetition),
        String(r.exitCode),
        r.totalMigrationTimeS.toFixed(1),
        (r.dataTransferredBytes / 1e6).toFixed(0),
        (r.gsendTxBytesPerS / 1e3).toFixed(0),
        (r.grecvRxBytesPerS / 1e3).toFixed(0),
        `${(100 * r.streamKept).toFixed(0)} %`,
        `${kB(r.linkDuring['hostA']?.txBytesPerS)} / ${kB(r.linkDuring['hostB']?.rxBytesPerS)}`,
        `${r.load1.start.toFixed(1)}–${r.load1.end.toFixed(1)}`,
        `${r.modes['gsend']}, ${r.modes['grecv']}`,
        [...r.guestsLost.map((g) => `${g} lost`), ...r.failures].join('; ') || '—',
      ]),
      [1, 2, 3, 4, 5, 6, 7],
    ),
    '',
    "Predicted by the plan's time model (max-min sharing of each link direction between the guests' measured streams and the migrations, pre-copy rounds from the measured dirty rate) against measured, per migration:",
    '',
    predictionTable(runs),
  ].join('\n');
  return { markdown, runs, ...(stack ? { stack } : {}) };
}

export function predictionTable(runs: ReadonlyArray<Pick<LabRun, 'strategy' | 'repetition' | 'durations' | 'predictedTmtS' | 'totalMigrationTimeS'>>): string {
  const error = (predictedS: number | undefined, measuredS: number | null): string =>
    predictedS === undefined || measuredS === null || !(predictedS > 0) ? '—' : `${measuredS >= predictedS ? '+' : ''}${((100 * (measuredS - predictedS)) / predictedS).toFixed(0)} %`;
  const s1 = (x: number | null | undefined): string => (x === undefined || x === null ? '—' : x.toFixed(1));
  return markdownTable(
    ['strategy', 'run', 'VM', 'mode', 'predicted (s)', 'measured (s)', 'measured vs predicted'],
    runs.flatMap((r) => [
      ...Object.entries(r.durations).map(([vm, d]) => [r.strategy, String(r.repetition), vm, d.mode, s1(d.predictedS), s1(d.measuredS), error(d.predictedS, d.measuredS)]),
      [r.strategy, String(r.repetition), 'TMT', '', s1(r.predictedTmtS), s1(r.totalMigrationTimeS), error(r.predictedTmtS, r.totalMigrationTimeS)],
    ]),
    [1, 4, 5, 6],
  );
}

const kB = (bytesPerS: number | undefined) => (bytesPerS === undefined ? '—' : (bytesPerS / 1e3).toFixed(0));

function grecvRole(dirtyMib: number): string {
  return dirtyMib > 0 ? `also rewrites ${dirtyMib} MiB of its memory every second` : "dirties no memory of its own, like the seed's netperf server";
}

function labTable(runs: readonly LabRun[]): string {
  const of = (st: Strategy) => runs.filter((r) => r.strategy === st);
  const arrived = (st: Strategy) => of(st).filter((r) => r.failures.length === 0 && r.guestsLost.length === 0);
  const stat = (xs: number[], digits: number) => {
    if (xs.length === 0) return '—';
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    return s.length === 1 ? mid.toFixed(digits) : `${mid.toFixed(digits)} [${s[0]!.toFixed(digits)}–${s.at(-1)!.toFixed(digits)}]`;
  };
  const seedShare = (st: Strategy) => `${((SEED_NETPERF.netperfMbps[st] / SEED_NETPERF.netperfDemandMbps) * 100).toFixed(0)} %`;
  return markdownTable(
    ['strategy', 'runs / guests lost', 'TMT (s)', 'seed TMT (s)', 'stream kept', 'seed netperf / demand', 'data (MB)', 'gsend tx during (kB/s)', 'grecv rx during (kB/s)', 'gsend tx before (kB/s)'],
    STRATEGIES.map((st) => {
      const ok = arrived(st);
      return [
        st,
        `${of(st).length} / ${of(st).reduce((n, r) => n + r.guestsLost.length, 0)}`,
        stat(of(st).map((r) => r.totalMigrationTimeS), 1),
        String(SEED_NETPERF.totalMigrationTimeS[st]),
        `${stat(of(st).map((r) => 100 * r.streamKept), 0)} %`,
        seedShare(st),
        stat(ok.map((r) => r.dataTransferredBytes / 1e6), 0),
        stat(ok.map((r) => r.gsendTxBytesPerS / 1e3), 0),
        stat(ok.map((r) => r.grecvRxBytesPerS / 1e3), 0),
        stat(of(st).map((r) => r.baselineGsendTxBytesPerS / 1e3), 0),
      ];
    }),
    [2, 3, 4, 6, 7, 8, 9],
  );
}
