// The sim's parameters for both experiments, each derived from a figure the seed prints (or a
// stated assumption where it prints none), with the reason. The playbooks carry the same numbers;
// checkPlaybookMatches makes sure they do not drift apart.
import type { Playbook, SimVmSpec } from '../../src/playbook/types.ts';
import { SEED_NETPERF, SEED_YCSB } from './seed-figures.ts';

const MIB_PER_GIB = 1024;
const BITS_PER_BYTE = 8;
const BYTES_PER_MIB = 1024 * 1024;
/** TCP: one 66-byte ACK per two full 1448-byte segments (delayed ACKs). */
const ACK_BYTES_PER_DATA_BYTE = 66 / (2 * 1448);
/** Experiment 2's request mix: the seed names insert, read and update queries, no shares. */
export const YCSB_READ_SHARE = 0.9;
/** Experiment 2's busiest VM (a client) receives as much as experiment 1's netperf server. */
export const YCSB_CLIENT_RX_MBPS: number = SEED_NETPERF.netperfDemandMbps;

export interface VmParameters {
  memoryMib: number;
  txMbps: number;
  rxMbps: number;
  dirtyMibPerS: number;
}

export interface Calibration {
  /** Expected sim spec per VM name. */
  vms: Map<string, VmParameters>;
  /** One line per choice: the value and why. */
  notes: string[];
}

export function netperfCalibration(): Calibration {
  const s = SEED_NETPERF;
  const memoryMib = s.vmMemoryGb * MIB_PER_GIB;
  const postcopyMibPerVm = s.dataTransferredMb['post-copy'] / s.vmCount;
  const resentMib = s.dataTransferredMb['pre-copy'] - s.dataTransferredMb['post-copy'];
  const dirtyMibPerS = round(resentMib / s.vmCount / s.totalMigrationTimeS['pre-copy'], 3);
  const ackMbps = Math.round(s.netperfDemandMbps * ACK_BYTES_PER_DATA_BYTE);
  const client: VmParameters = { memoryMib, txMbps: s.netperfDemandMbps, rxMbps: ackMbps, dirtyMibPerS };
  const server: VmParameters = { memoryMib, txMbps: ackMbps, rxMbps: s.netperfDemandMbps, dirtyMibPerS };
  return {
    vms: new Map<string, VmParameters>([
      ['netperf-client', client],
      ['netperf-server', server],
    ]),
    notes: [
      `memory ${memoryMib} MiB per VM: the seed's 5 GB VMs. Its post-copy (each page sent once) moved ${s.dataTransferredMb['post-copy']} MB for 2 VMs = ${postcopyMibPerVm} per VM, which is 5120 + ${round(postcopyMibPerVm - memoryMib, 1)} of device state only if its MB are MiB; we read them so.`,
      `netperf ${s.netperfDemandMbps} Mbit/s client → server; the other direction ${ackMbps} Mbit/s of TCP ACKs (66 B per two 1448 B segments).`,
      `dirty rate ${dirtyMibPerS} MiB/s: pre-copy resent only ${resentMib} MB more than post-copy over its ${s.totalMigrationTimeS['pre-copy']} s (two VMs); netperf reuses its buffers.`,
      'max_parallel 2, max_downtime 300 ms (QEMU\'s default), post-copy switch immediately after set-up; NICs 1 Gbit/s full duplex, no background traffic.',
    ],
  };
}

/**
 * Experiment 1 with the memory that must cross the wire set from the seed's traffic-sensitive
 * time: that run had no contention, so the 1 Gbit/s link bounds what it can have carried.
 * Calibrated on one result; only the pre-copy and post-copy rows are predictions.
 */
export function netperfWireMemoryMib(): number {
  const s = SEED_NETPERF;
  const base = netperfCalibration().vms.get('netperf-server')!;
  const linkLeftMbps = s.nicMbps - base.txMbps;
  return Math.round((s.totalMigrationTimeS['traffic-sensitive'] * linkLeftMbps * 1e6) / BITS_PER_BYTE / s.vmCount / BYTES_PER_MIB);
}

export function ycsbCalibration(clientRxMbps = YCSB_CLIENT_RX_MBPS, dirtyScale = 1): Calibration {
  const s = SEED_YCSB;
  const memoryMib = Math.floor((s.dataTransferredGb['post-copy'] * MIB_PER_GIB) / s.vmCount);
  const resentGibPerVm = (s.dataTransferredGb['pre-copy'] - s.dataTransferredGb['post-copy']) / s.vmCount;
  const dirtyMibPerS = round(((resentGibPerVm * MIB_PER_GIB) / s.averageMigrationTimeS['pre-copy']) * dirtyScale, 1);
  const clientTxMbps = round((clientRxMbps * (1 - YCSB_READ_SHARE)) / YCSB_READ_SHARE, 1);
  const serversPerClient = s.serverCount / s.clientCount;
  const client = { memoryMib, txMbps: clientTxMbps, rxMbps: clientRxMbps, dirtyMibPerS };
  const server = { memoryMib, txMbps: round(clientRxMbps / serversPerClient, 1), rxMbps: round(clientTxMbps / serversPerClient, 1), dirtyMibPerS };
  const opsPerClient = s.withoutMigration.ycsbOpsPerS / s.clientCount;
  const recordKb = round((clientRxMbps * 1e6) / BITS_PER_BYTE / (opsPerClient * YCSB_READ_SHARE) / 1000, 0);
  const vms = new Map<string, VmParameters>();
  for (let n = 1; n <= s.clientCount; n++) vms.set(`ycsb-${n}`, client);
  for (let n = 1; n <= s.serverCount; n++) vms.set(`redis-${n}`, server);
  return {
    vms,
    notes: [
      `memory ${memoryMib} MiB per VM: post-copy sends each page once, and the seed's post-copy moved ${s.dataTransferredGb['post-copy']} GB for ${s.vmCount} VMs (GB read as GiB, as experiment 1's MB are MiB).`,
      `dirty rate ${dirtyMibPerS} MiB/s per VM: pre-copy moved ${round(resentGibPerVm, 3)} GiB per VM more than post-copy, dirtied during its ${s.averageMigrationTimeS['pre-copy']} s average migration. No split between servers and clients is given, so all VMs get the same rate.`,
      `traffic (the seed gives none): ${opsPerClient} ops/s per client (4802 / 4); ${YCSB_READ_SHARE * 100} % reads; records of ~${recordKb} KB so a client receives ${clientRxMbps} Mbit/s and sends ${clientTxMbps}; each client spreads over ${serversPerClient} servers, so a server sends ${server.txMbps} and receives ${server.rxMbps} Mbit/s. At YCSB's default 1 KB records the same ops/s would be ~${round((s.withoutMigration.ycsbOpsPerS * 1000 * BITS_PER_BYTE) / 1e6, 0)} Mbit/s in all, too little for any strategy to matter.`,
      'placement: src1..src4 each hold a client and a server, src5..src8 two servers; srcN → dstN. Client N queries the server on the next of src1..src4 and both servers on src(4+N).',
      'max_parallel 16 (every VM at once, as the seed\'s contention model assumes), max_downtime 300 ms, timeout 30 min.',
    ],
  };
}

/** Throws when the playbook's sim VMs differ from the calibration (playbook edited, bench not, or the reverse). */
export function checkPlaybookMatches(playbook: Playbook, calibration: Calibration): void {
  const specs = new Map<string, SimVmSpec>(playbook.inventory.hosts.flatMap((h) => h.simVms.map((v) => [v.name, v] as const)));
  const problems: string[] = [];
  for (const [vm, want] of calibration.vms) {
    const got = specs.get(vm);
    if (!got) {
      problems.push(`${vm} missing`);
      continue;
    }
    for (const key of ['memoryMib', 'txMbps', 'rxMbps', 'dirtyMibPerS'] as const) {
      if (Math.abs(got[key] - want[key]) > 1e-6 + 0.005 * Math.abs(want[key])) problems.push(`${vm}.${key}: playbook ${got[key]}, derived ${want[key]}`);
    }
  }
  if (specs.size !== calibration.vms.size) problems.push(`playbook has ${specs.size} VMs, calibration ${calibration.vms.size}`);
  if (problems.length > 0) throw new Error(`${playbook.file} does not match bench/paper/calibration.ts: ${problems.join('; ')}`);
}

/** A copy of the playbook whose sim VMs take the calibration's parameters. */
export function withCalibration(playbook: Playbook, calibration: Calibration): Playbook {
  const copy = structuredClone(playbook);
  for (const host of copy.inventory.hosts) {
    for (const vm of host.simVms) Object.assign(vm, calibration.vms.get(vm.name) ?? {});
  }
  return copy;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
