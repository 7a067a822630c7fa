// Counter readings of one host over the sampling window → average rates in Mbps.
// Pure: counters in, rates out. Counters that restart (a VM migrated in mid-window) count from 0.
import type { CounterReading } from '../drivers/driver.ts';

export interface VmRate {
  vm: string;
  host: string;
  txMbps: number;
  rxMbps: number;
  /** Memory dirty rate, when the driver measured it. */
  dirtyMibPerS?: number;
}

export interface HostRate {
  host: string;
  nicTxMbps: number;
  nicRxMbps: number;
  /** NIC traffic that is not the VMs' own: NIC counters minus the VMs' (never below 0). */
  backgroundTxMbps: number;
  backgroundRxMbps: number;
  windowS: number;
  /** Per interval, for charts: seconds since the window began and NIC Mbps. */
  series: Array<{ atS: number; txMbps: number; rxMbps: number; vmTxMbps: number; vmRxMbps: number }>;
}

const BITS_PER_BYTE = 8;

export function ratesFromReadings(host: string, readings: CounterReading[]): { host: HostRate; vms: VmRate[] } {
  const first = readings[0];
  const last = readings.at(-1);
  if (!first || !last || last.atMs <= first.atMs) throw new RangeError(`${host}: need at least two counter readings over time`);
  const windowS = (last.atMs - first.atMs) / 1000;
  const mbps = (bytes: number, seconds: number): number => (bytes * BITS_PER_BYTE) / 1e6 / seconds;

  const vmBytes = new Map<string, { tx: number; rx: number }>();
  const series: HostRate['series'] = [];
  for (let i = 1; i < readings.length; i++) {
    const prev = readings[i - 1]!;
    const cur = readings[i]!;
    const dtS = (cur.atMs - prev.atMs) / 1000;
    let vmTx = 0;
    let vmRx = 0;
    for (const [vm, c] of Object.entries(cur.vms)) {
      const p = prev.vms[vm];
      const dTx = p ? increase(p.txBytes, c.txBytes) : 0;
      const dRx = p ? increase(p.rxBytes, c.rxBytes) : 0;
      const acc = vmBytes.get(vm) ?? { tx: 0, rx: 0 };
      acc.tx += dTx;
      acc.rx += dRx;
      vmBytes.set(vm, acc);
      vmTx += dTx;
      vmRx += dRx;
    }
    if (dtS > 0) {
      series.push({
        atS: (cur.atMs - first.atMs) / 1000,
        txMbps: mbps(increase(prev.nic.txBytes, cur.nic.txBytes), dtS),
        rxMbps: mbps(increase(prev.nic.rxBytes, cur.nic.rxBytes), dtS),
        vmTxMbps: mbps(vmTx, dtS),
        vmRxMbps: mbps(vmRx, dtS),
      });
    }
  }
  const vms = [...vmBytes].map(([vm, b]) => ({ vm, host, txMbps: mbps(b.tx, windowS), rxMbps: mbps(b.rx, windowS) }));
  const nicTxMbps = mbps(increase(first.nic.txBytes, last.nic.txBytes), windowS);
  const nicRxMbps = mbps(increase(first.nic.rxBytes, last.nic.rxBytes), windowS);
  const sumTx = vms.reduce((s, v) => s + v.txMbps, 0);
  const sumRx = vms.reduce((s, v) => s + v.rxMbps, 0);
  return {
    host: {
      host,
      nicTxMbps,
      nicRxMbps,
      backgroundTxMbps: Math.max(0, nicTxMbps - sumTx),
      backgroundRxMbps: Math.max(0, nicRxMbps - sumRx),
      windowS,
      series,
    },
    vms,
  };
}

/** Counter increase between two readings; a counter that went backwards restarted from 0. */
function increase(before: number, after: number): number {
  return after >= before ? after - before : after;
}
