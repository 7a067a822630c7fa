// What tsmig adds to a migration, measured side by side on the lab: N rounds, each moving the
// same guest hostA → hostB → hostA once with a bare `virsh migrate` (run on the source over the
// same SSH connection tsmig uses) and once with `tsmig run --limit VM --strategy pre-copy`, in
// alternating order so that load drifting on the machine hits both alike. Prints each round,
// the median overhead per migration and the load average, and appends them to
// test-output/lab-measurements.jsonl.
//   node --import tsx test/lab/overhead-bench.ts [--reps 8] [--vm gsend] [--gap-s 10]
// Each bare migration waits until --gap-s seconds have passed since the guest's last migration
// ended, as a tsmig run's does (the previous run's verify, then start-up, discovery and the 5 s
// sampling): on the lab a guest migrated again at once moved 0.23 s faster (median of 12 bare
// migrations each way) than one left running 8 s, which flattered the bare side by about that
// much. Both sides' gaps are printed.
// Needs the lab up (test/lab/lab.sh status exits 0) with the guest running on one host; it never
// resets the lab (that is the lab's owner's to do).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { MigrationPhasesS } from '../../src/executor/migration-record.ts';
import { loadPlaybook } from '../../src/playbook/load-playbook.ts';
import { SshPool } from '../../src/drivers/ssh/ssh-pool.ts';
import { migrationDestinationUri } from '../../src/drivers/ssh/virsh-argv.ts';
import { domainsOn, labInventory, labPlaybook, migrationOf, recordMeasurement, tsmig } from './lab-helpers.ts';

type Host = 'hostA' | 'hostB';
const { values } = parseArgs({ options: { reps: { type: 'string', default: '8' }, vm: { type: 'string', default: 'gsend' }, 'gap-s': { type: 'string', default: '10' } } });
const reps = Number(values.reps);
const gapMs = Number(values['gap-s']) * 1000;
/** When the guest's last migration ended (wall clock), and each side's gap before its migrations. */
let lastEndMs = 0;
const gapsS: { bare: number[]; tsmig: number[] } = { bare: [], tsmig: [] };
const vm = values.vm!;
const playbookFor: Record<Host, string> = { hostA: 'lab-a-to-b.yml', hostB: 'lab-b-to-a.yml' };

const inventory = loadPlaybook(labPlaybook(playbookFor.hostA), { inventoryFile: labInventory }).inventory;
const pool = new SshPool(inventory.hosts);

/** `virsh migrate --live` on the source, as an operator would type it; wall seconds. */
async function bareS(from: Host, to: Host): Promise<number> {
  const source = pool.host(from);
  const destination = pool.host(to);
  const argv = ['virsh', '-c', source.libvirtUri, 'migrate', '--live', vm, migrationDestinationUri(destination.migrationAddress, destination.libvirtUri)];
  const waitMs = lastEndMs + gapMs - Date.now();
  if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  const startedMs = Date.now();
  if (lastEndMs) gapsS.bare.push(+((startedMs - lastEndMs) / 1000).toFixed(2));
  const r = await pool.exec(from, argv);
  lastEndMs = Date.now();
  const s = (lastEndMs - startedMs) / 1000;
  if (r.exitCode !== 0) throw new Error(`bare migrate ${from} → ${to}: ${r.stderr.trim()}`);
  return s;
}

interface TsmigMigration {
  /** The migration phase alone (duration_s). */
  migrateS: number;
  /** Everything tsmig does for this migration: prechecks + connect + migrate + postchecks. */
  perMigrationS: number;
  phases: MigrationPhasesS;
  runWallS: number;
}

async function tsmigS(from: Host): Promise<TsmigMigration> {
  const r = await tsmig(['run', labPlaybook(playbookFor[from]), '-i', labInventory, '--strategy', 'pre-copy', '--limit', vm]);
  const m = migrationOf(r, vm);
  if (r.exitCode !== 0 || m?.status !== 'changed') throw new Error(`tsmig run from ${from}: exit ${r.exitCode}\n${r.stderr.slice(-2000)}`);
  const phases = (m as { phases_s?: MigrationPhasesS }).phases_s;
  if (!phases) throw new Error('the run report has no phases_s for the migration');
  const runStartMs = Date.parse(String((r.json as { started_at?: string }).started_at));
  if (lastEndMs) gapsS.tsmig.push(+((runStartMs + m.started_s * 1000 - lastEndMs) / 1000).toFixed(2));
  lastEndMs = runStartMs + m.finished_s * 1000;
  const perMigrationS = phases.prechecks + phases.connect + phases.migrate + phases.postchecks;
  return { migrateS: m.duration_s, perMigrationS: +perMigrationS.toFixed(3), phases, runWallS: r.wallMs / 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The guest running on exactly one host, brought to hostA by a bare migrate if it is on hostB. */
async function guestHomeOnA(): Promise<void> {
  const running = async (h: Host): Promise<boolean> => (await domainsOn(h)).some((d) => d.name === vm && d.state === 'running');
  const [onA, onB] = [await running('hostA'), await running('hostB')];
  if (onA && !onB) return;
  if (onB && !onA) return void (await bareS('hostB', 'hostA'));
  throw new Error(`${vm} runs on ${onA ? 'both hosts' : 'neither host'}: the lab needs a reset by its owner first`);
}

await guestHomeOnA();
const rounds: Array<{ bareS: number[]; tsmig: TsmigMigration[]; overheadS: number; migrateOverheadS: number; load1: number }> = [];
try {
  for (let i = 0; i < reps; i++) {
    const load1 = loadavg()[0]!;
    const bare: number[] = [];
    const ours: TsmigMigration[] = [];
    // Alternate which goes first, so a trend in the machine's load does not favour either.
    if (i % 2 === 0) {
      bare.push(await bareS('hostA', 'hostB'), await bareS('hostB', 'hostA'));
      ours.push(await tsmigS('hostA'), await tsmigS('hostB'));
    } else {
      ours.push(await tsmigS('hostA'), await tsmigS('hostB'));
      bare.push(await bareS('hostA', 'hostB'), await bareS('hostB', 'hostA'));
    }
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const round = {
      bareS: bare.map((s) => +s.toFixed(3)),
      tsmig: ours,
      overheadS: +(mean(ours.map((o) => o.perMigrationS)) - mean(bare)).toFixed(3),
      migrateOverheadS: +(mean(ours.map((o) => o.migrateS)) - mean(bare)).toFixed(3),
      load1,
    };
    rounds.push(round);
    console.log(
      `round ${i + 1}/${reps}: bare ${round.bareS.join(' / ')} s; tsmig per migration ${ours.map((o) => o.perMigrationS).join(' / ')} s ` +
        `(migrate ${ours.map((o) => o.migrateS).join(' / ')} s); overhead ${round.overheadS} s (migrate alone ${round.migrateOverheadS} s); load ${load1.toFixed(1)}`,
    );
  }
} finally {
  await pool.close();
}
const phaseMedians = Object.fromEntries(
  (['prechecks', 'connect', 'migrate', 'postchecks', 'verify'] as const).map((k) => [k, +median(rounds.flatMap((r) => r.tsmig.map((t) => t.phases[k] ?? 0))).toFixed(3)]),
);
const figures = {
  vm,
  reps,
  medianOverheadS: +median(rounds.map((r) => r.overheadS)).toFixed(3),
  medianMigrateOverheadS: +median(rounds.map((r) => r.migrateOverheadS)).toFixed(3),
  medianBareS: +median(rounds.flatMap((r) => r.bareS)).toFixed(3),
  medianTsmigPerMigrationS: +median(rounds.flatMap((r) => r.tsmig.map((t) => t.perMigrationS))).toFixed(3),
  medianPhasesS: phaseMedians,
  medianGapBeforeMigrationS: { bare: median(gapsS.bare), tsmig: median(gapsS.tsmig) },
  loadAverage1m: rounds.map((r) => +r.load1.toFixed(2)),
  rounds,
};
recordMeasurement(`overhead bench: tsmig vs bare virsh migrate (${vm} pre-copy, side by side)`, figures);
console.log(
  `median overhead per migration: ${figures.medianOverheadS} s (migrate phase alone ${figures.medianMigrateOverheadS} s); ` +
    `bare ${figures.medianBareS} s, tsmig ${figures.medianTsmigPerMigrationS} s; phases ${JSON.stringify(phaseMedians)}; ` +
    `gap since the guest's last migration: bare ${figures.medianGapBeforeMigrationS.bare} s, tsmig ${figures.medianGapBeforeMigrationS.tsmig} s; load ${figures.loadAverage1m.join(' ')}`,
);
