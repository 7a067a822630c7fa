// A transfer between two VMs needs every leg it crosses (data out of one guest, into the other,
// and the replies back). The sim shares each NIC direction on its own, so the honest end-to-end
// share of a transfer in a segment is the smallest achieved/demanded share among its legs.
import type { SegmentRates } from './window-average.ts';

export interface TrafficLeg {
  vms: string[];
  dir: 'tx' | 'rx';
  demandMbps: number;
}

export function transferShare(rates: SegmentRates, legs: readonly TrafficLeg[]): number {
  let share = 1;
  for (const leg of legs) {
    if (leg.demandMbps <= 0) continue;
    const achievedMbps = leg.vms.reduce((sum, vm) => sum + ((leg.dir === 'tx' ? rates.get(vm)?.txMbps : rates.get(vm)?.rxMbps) ?? 0), 0);
    share = Math.min(share, achievedMbps / leg.demandMbps);
  }
  return share;
}
