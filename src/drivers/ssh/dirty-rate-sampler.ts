// Memory dirty rates of a host's running domains over the sampling window, with QEMU's
// calculation through libvirt (`virsh domdirtyrate-calc`, then `virsh domstats --dirtyrate`).
// Short calculations, repeated and averaged: page-sampling counts the distinct pages dirtied in
// its period, so a long period under-reads a guest that rewrites the same pages, while a
// pre-copy round (seconds) sees about what a short period sees.
import type { Clock, DirtyRateReading, SamplingWindow } from '../driver.ts';
import type { SshPool } from './ssh-pool.ts';
import { virshDomdirtyrateCalc, virshDomstatsDirtyrate, virshListRunningNames } from './virsh-argv.ts';
import { parseDomstatsDirtyrate } from './virsh-parse.ts';

export const DIRTY_RATE_PERIOD_S = 1;
/** Calculations averaged per window, at most; each takes a period plus the reads. */
const MAX_CALCULATIONS = 5;
const SECONDS_PER_CALCULATION = 3;
/** How long after its period a calculation may still be running before it is given up. */
const RESULT_POLLS = 5;
const RESULT_POLL_MS = 400;

export async function measureDirtyRatesOverSsh(pool: SshPool, clock: Clock, host: string, window: SamplingWindow, signal?: AbortSignal): Promise<DirtyRateReading[]> {
  const uri = pool.host(host).libvirtUri;
  const calculations = Math.max(1, Math.min(MAX_CALCULATIONS, Math.floor(window.durationMs / 1000 / SECONDS_PER_CALCULATION)));
  const sumMibPerS = new Map<string, { sum: number; count: number }>();
  for (let c = 0; c < calculations; c++) {
    const domains = (await pool.run(host, virshListRunningNames(uri), { signal }))
      .split(/\r?\n/)
      .map((d) => d.trim())
      .filter((d) => d !== '' && !d.startsWith('-'));
    if (domains.length === 0) break;
    await Promise.all(domains.map((d) => pool.run(host, virshDomdirtyrateCalc(uri, d, DIRTY_RATE_PERIOD_S), { signal })));
    await clock.sleep(DIRTY_RATE_PERIOD_S * 1000, signal);
    for (let poll = 0; poll < RESULT_POLLS; poll++) {
      await clock.sleep(RESULT_POLL_MS, signal);
      const rates = parseDomstatsDirtyrate(await pool.run(host, virshDomstatsDirtyrate(uri), { signal })).filter((r) => domains.includes(r.domain));
      if (rates.some((r) => r.status === 'measuring') && poll < RESULT_POLLS - 1) continue;
      for (const r of rates) {
        if (r.status !== 'measured' || r.mibPerS === undefined) continue;
        const acc = sumMibPerS.get(r.domain) ?? { sum: 0, count: 0 };
        acc.sum += r.mibPerS;
        acc.count += 1;
        sumMibPerS.set(r.domain, acc);
      }
      break;
    }
  }
  return [...sumMibPerS].map(([vm, { sum, count }]) => ({ vm, dirtyMibPerS: sum / count }));
}
