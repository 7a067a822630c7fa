// On a NIC direction measured full, max-min sharing capped the largest flows at a common share:
// what they measured is what they got, not what they want. The time model lets such flows grow
// (up to the NIC) when others leave, as the simulator's (and TCP's) flows do. Pure.
import type { HostRate, VmRate } from '../measure/rates-from-readings.ts';

/** A direction this full is saturated (measurement noise keeps it just under 100 %). */
const FULL_FRACTION = 0.95;
/** Flows within this fraction of the largest one on a full direction sit at the common share. */
const AT_SHARE_FRACTION = 0.9;

export interface HiddenDemand {
  txDemandMbps?: number;
  rxDemandMbps?: number;
}

export function hiddenDemands(host: HostRate, nicMbps: number, vms: readonly VmRate[]): Map<string, HiddenDemand> {
  const demands = new Map<string, HiddenDemand>();
  const mark = (dir: 'tx' | 'rx'): void => {
    const nicTotalMbps = dir === 'tx' ? host.nicTxMbps : host.nicRxMbps;
    if (vms.length === 0 || nicTotalMbps < FULL_FRACTION * nicMbps) return;
    const rate = (v: VmRate): number => (dir === 'tx' ? v.txMbps : v.rxMbps);
    const largest = Math.max(...vms.map(rate));
    for (const v of vms) {
      if (largest <= 0 || rate(v) < AT_SHARE_FRACTION * largest) continue;
      const d = demands.get(v.vm) ?? {};
      d[dir === 'tx' ? 'txDemandMbps' : 'rxDemandMbps'] = nicMbps;
      demands.set(v.vm, d);
    }
  };
  mark('tx');
  mark('rx');
  return demands;
}
