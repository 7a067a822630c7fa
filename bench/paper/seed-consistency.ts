// What the seed's own figures imply about its set-up, computed from them: where they exceed what
// a 1 Gbit/s NIC can carry, the sim (which never exceeds it) cannot match the seconds.
import { SEED_NETPERF, SEED_YCSB } from './seed-figures.ts';

const MBIT_PER_MIB = (1024 * 1024 * 8) / 1e6;
const MBIT_PER_GIB = 1024 * MBIT_PER_MIB;

export function seedConsistencyNotes(): string[] {
  const a = SEED_NETPERF;
  const b = SEED_YCSB;
  const tsRate = (a.dataTransferredMb['traffic-sensitive'] * MBIT_PER_MIB) / a.totalMigrationTimeS['traffic-sensitive'];
  const preRate = (a.dataTransferredMb['pre-copy'] * MBIT_PER_MIB) / a.totalMigrationTimeS['pre-copy'];
  const floorS = (a.vmCount * a.vmMemoryGb * 1024 * MBIT_PER_MIB) / a.nicMbps;
  const preVmRate = ((b.dataTransferredGb['pre-copy'] / b.vmCount) * MBIT_PER_GIB) / b.averageMigrationTimeS['pre-copy'];
  const postNicRate = (b.dataTransferredGb['post-copy'] * MBIT_PER_GIB) / b.totalMigrationTimeS['post-copy'] / (b.vmCount / 2);
  const postVmRate = ((b.dataTransferredGb['post-copy'] / b.vmCount) * MBIT_PER_GIB) / b.averageMigrationTimeS['post-copy'];
  const r = (x: number) => x.toFixed(0);
  return [
    `- Experiment 1, traffic-sensitive: ${a.dataTransferredMb['traffic-sensitive']} MB in ${a.totalMigrationTimeS['traffic-sensitive']} s is ${r(tsRate)} Mbit/s, above the ${a.nicMbps} Mbit/s NIC. Pre-copy: ${r(preRate)} Mbit/s of migration while netperf kept ${a.netperfMbps['pre-copy']} Mbit/s on the same source NIC. So the seed's data column cannot all have crossed a 1 Gbit/s link in those times: it most likely counts pages processed (QEMU sends a zero page as a few bytes), or the migration used another link. The sim puts every byte on the NIC, so 2 × 5 GiB takes at least ${floorS.toFixed(1)} s there; compare ratios, not seconds.`,
    `- Experiment 2, pre-copy: ${((b.dataTransferredGb['pre-copy'] / b.vmCount)).toFixed(2)} GiB per VM in ${b.averageMigrationTimeS['pre-copy']} s is ${r(preVmRate)} Mbit/s per VM; two VMs per source NIC at once would need ${r(2 * preVmRate)} Mbit/s — again at or above the NIC, with the servers' responses on it too.`,
    `- Experiment 2, post-copy: ${r(postVmRate)} Mbit/s per VM on average, ${r(postNicRate)} Mbit/s per destination NIC over its ${b.totalMigrationTimeS['post-copy']} s — the seed's post-copy streams were slow and left most of the link to the applications (ops/s fell only ${(((b.withoutMigration.ycsbOpsPerS - b.ycsbOpsPerS['post-copy']) / b.withoutMigration.ycsbOpsPerS) * 100).toFixed(0)} %). The fluid model gives a migration stream the same max-min share as an application flow and has no post-copy page-fault latency, so in the sim post-copy finishes much sooner and hurts the clients much more.`,
    `- The seed's "without migration" column (${b.withoutMigration.averageMigrationTimeS} s, ${b.withoutMigration.totalMigrationTimeS} s, ${b.withoutMigration.dataTransferredGb} GB) cannot be migration figures; only its ${b.withoutMigration.ycsbOpsPerS} ops/s is compared.`,
    '- The fluid model is symmetric: a pre-copy stream meeting outbound traffic at the source and a post-copy stream meeting inbound traffic at the destination get the same share, so the sim cannot show the seed\'s gap between pre-copy and post-copy in experiment 1 (79.1 vs 92.1 s). What it can show is the complement: streams that meet no application flow.',
  ];
}
