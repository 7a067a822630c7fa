// A guest's bytes over a time window from domstats polled on every host. A migrated guest's
// counters restart at 0 on the destination (a new tap) and freeze on the source when its QEMU
// exits, so its total at time t is the sum over hosts of each host's last reading up to t.
import { parseDomstatsInterfaces } from '../../src/drivers/ssh/virsh-parse.ts';

export interface GuestCounters {
  txBytes: number;
  rxBytes: number;
}

export interface HostPoll {
  host: string;
  atMs: number;
  guests: ReadonlyMap<string, GuestCounters>;
  /** The host's link (eth0), host view: tx = what left the host, rx = what entered it. */
  nic?: GuestCounters;
}

/** Guest totals (summed over hosts) at time t, from the polls up to t. */
export function guestTotalsAt(polls: readonly HostPoll[], guest: string, atMs: number): GuestCounters {
  const latest = new Map<string, GuestCounters>();
  for (const p of polls) {
    if (p.atMs > atMs) continue;
    const c = p.guests.get(guest);
    // A host where the guest has vanished keeps its last counters (the bytes were sent).
    if (c) latest.set(p.host, c);
  }
  let txBytes = 0;
  let rxBytes = 0;
  for (const c of latest.values()) {
    txBytes += c.txBytes;
    rxBytes += c.rxBytes;
  }
  return { txBytes, rxBytes };
}

/** Average rates of a guest over [fromMs, toMs], in bytes per second. */
export function guestRatesInWindow(polls: readonly HostPoll[], guest: string, fromMs: number, toMs: number): { txBytesPerS: number; rxBytesPerS: number } {
  if (!(toMs > fromMs)) throw new Error(`empty window ${fromMs}..${toMs} ms`);
  const a = guestTotalsAt(polls, guest, fromMs);
  const b = guestTotalsAt(polls, guest, toMs);
  const s = (toMs - fromMs) / 1000;
  return { txBytesPerS: (b.txBytes - a.txBytes) / s, rxBytesPerS: (b.rxBytes - a.rxBytes) / s };
}

/** `virsh domstats --interface --raw` → guest → summed interface counters (guest view). */
export function parseDomstatsTotals(text: string): Map<string, GuestCounters> {
  // A poller block carries the host's `nic.*` counter lines before virsh's output (parseNicCounters).
  const domstats = text.replace(/^nic\.[rt]x\.bytes=\d+\n?/gm, '');
  return new Map(
    parseDomstatsInterfaces(domstats).map((d) => [
      d.domain,
      { txBytes: d.interfaces.reduce((s, i) => s + i.txBytes, 0), rxBytes: d.interfaces.reduce((s, i) => s + i.rxBytes, 0) },
    ]),
  );
}

/** `nic.tx.bytes=N` / `nic.rx.bytes=N` lines (the poller prints the host's eth0 counters so). */
export function parseNicCounters(text: string): GuestCounters | undefined {
  const tx = /^nic\.tx\.bytes=(\d+)$/m.exec(text);
  const rx = /^nic\.rx\.bytes=(\d+)$/m.exec(text);
  return tx && rx ? { txBytes: Number(tx[1]), rxBytes: Number(rx[1]) } : undefined;
}

/** A host link's average rates over [fromMs, toMs] (bytes/s), from its first and last poll inside. */
export function nicRatesInWindow(polls: readonly HostPoll[], host: string, fromMs: number, toMs: number): { txBytesPerS: number; rxBytesPerS: number } | undefined {
  const inside = polls.filter((p) => p.host === host && p.nic && p.atMs >= fromMs && p.atMs <= toMs);
  const a = inside[0];
  const b = inside.at(-1);
  if (!a?.nic || !b?.nic || !(b.atMs > a.atMs)) return undefined;
  const s = (b.atMs - a.atMs) / 1000;
  return { txBytesPerS: (b.nic.txBytes - a.nic.txBytes) / s, rxBytesPerS: (b.nic.rxBytes - a.nic.rxBytes) / s };
}

/** A host link's rates in consecutive bins of binMs from fromMs to toMs (bytes/s per bin). */
export function nicRateSeries(polls: readonly HostPoll[], host: string, fromMs: number, toMs: number, binMs: number): Array<{ atS: number; txBytesPerS: number; rxBytesPerS: number }> {
  const series: Array<{ atS: number; txBytesPerS: number; rxBytesPerS: number }> = [];
  for (let start = fromMs; start + binMs <= toMs + 1; start += binMs) {
    const rates = nicRatesInWindow(polls, host, start, start + binMs);
    if (rates) series.push({ atS: (start - fromMs) / 1000, ...rates });
  }
  return series;
}
