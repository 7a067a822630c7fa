// Who talks to whom in experiment 2 (the sim itself knows only per-VM flows to outside peers):
// client N queries the server beside the next client and both servers on src(4+N).
import { SEED_YCSB } from './seed-figures.ts';

export interface YcsbClient {
  vm: string;
  servers: string[];
  /** The client's share of the seed's 4802 ops/s without migration. */
  demandOpsPerS: number;
}

export function ycsbClients(): YcsbClient[] {
  const perClient = SEED_YCSB.withoutMigration.ycsbOpsPerS / SEED_YCSB.clientCount;
  return [1, 2, 3, 4].map((n) => ({
    vm: `ycsb-${n}`,
    servers: [`redis-${(n % 4) + 1}`, `redis-${3 + 2 * n}`, `redis-${4 + 2 * n}`],
    demandOpsPerS: perClient,
  }));
}
