// Reads the sampler's stream (see counter-sampler-script.ts) into ticks, and ticks into readings:
// VMs by name, interfaces by MAC (vnet names are host-local), a VM's interfaces summed.
import type { CounterReading } from '../driver.ts';
import { parseDomiflist, parseDomstatsInterfaces, VirshOutputError, type DomainNetStats, type DomstatsInterface } from './virsh-parse.ts';

export interface SamplerTick {
  /** Remote `date +%s.%N`, in ms. */
  remoteMs: number;
  domains: DomainNetStats[];
  /** Host view: tx = sent by the host. Absent when no NIC was configured. */
  nic?: { txBytes: number; rxBytes: number };
  /** virsh domstats failed on this tick (exit code). */
  domstatsError?: string;
}

/** Domain → vnet name → MAC, from the sampler's opening domiflist sections. */
export type InterfaceMacs = Map<string, Map<string, string>>;

function nicFromIpJson(json: string): { txBytes: number; rxBytes: number } {
  const parsed = JSON.parse(json) as Array<{ stats64?: { rx?: { bytes?: number }; tx?: { bytes?: number } } }>;
  const stats = parsed[0]?.stats64;
  if (typeof stats?.tx?.bytes !== 'number' || typeof stats.rx?.bytes !== 'number') throw new VirshOutputError('ip -s -j link', json);
  return { txBytes: stats.tx.bytes, rxBytes: stats.rx.bytes };
}

/** Splits the stream into sections at `@@` marker lines; call push() per chunk, ticks come out whole. */
export class CounterSamplerStream {
  readonly macs: InterfaceMacs = new Map();
  private buffer = '';

  /** Adds output; returns the ticks completed by it. */
  push(chunk: string): SamplerTick[] {
    this.buffer += chunk;
    const ticks: SamplerTick[] = [];
    for (;;) {
      const end = this.buffer.indexOf('@@end\n');
      if (end < 0) break;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + '@@end\n'.length);
      ticks.push(this.parseBlock(block));
    }
    return ticks;
  }

  /** Sections: marker line + body, up to the next marker. */
  private parseBlock(block: string): SamplerTick {
    const sections: Array<{ marker: string; body: string }> = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('@@')) sections.push({ marker: line.slice(2), body: '' });
      else if (sections.length > 0) sections[sections.length - 1]!.body += `${line}\n`;
      else if (line.trim() !== '') throw new VirshOutputError('sampler output', line);
    }
    let tick: SamplerTick | undefined;
    for (const { marker, body } of sections) {
      const [kind, ...words] = marker.split(' ');
      if (kind === 'domiflist') {
        const domain = marker.slice('domiflist '.length);
        this.macs.set(domain, new Map(parseDomiflist(body).map((i) => [i.name, i.mac])));
      } else if (kind === 'tick') {
        tick = { remoteMs: Number(words[0]) * 1000, domains: [] };
        if (!Number.isFinite(tick.remoteMs)) throw new VirshOutputError('sampler tick time', marker);
      } else if (!tick) {
        throw new VirshOutputError('sampler section before @@tick', marker);
      } else if (kind === 'domstats') {
        tick.domains = parseDomstatsInterfaces(body);
      } else if (kind === 'error') {
        tick.domstatsError = `virsh domstats exited ${words[1] ?? '?'}`;
      } else if (kind === 'nic-ip') {
        tick.nic = nicFromIpJson(body.trim());
      } else if (kind === 'nic-sysfs') {
        tick.nic = { txBytes: Number(words[0]), rxBytes: Number(words[1]) };
        if (!Number.isFinite(tick.nic.txBytes) || !Number.isFinite(tick.nic.rxBytes)) throw new VirshOutputError('sysfs NIC counters', marker);
      } else {
        throw new VirshOutputError('sampler marker', marker);
      }
    }
    if (!tick) throw new VirshOutputError('sampler tick', block);
    return tick;
  }
}

/**
 * The MAC of a domstats interface: by its vnet name as domiflist showed it at the start, else by
 * position (domstats net.N and domiflist rows both follow the domain XML's order, which a
 * migration keeps while the vnet names change).
 */
function interfaceMac(macs: InterfaceMacs, domain: string, iface: DomstatsInterface): string {
  const known = macs.get(domain);
  return known?.get(iface.name) ?? [...(known?.values() ?? [])][iface.index] ?? `vnet:${iface.name}`;
}

/**
 * Ticks → readings. Times: the first tick is anchored at `firstTickLocalMs` (the driver's clock)
 * and later ones keep the remote clock's spacing. Counters: per (VM, MAC) and kept cumulative:
 * a counter that went down (interface re-created, e.g. the VM left and came back) continues from
 * where it was instead of restarting at 0.
 */
export function readingsFromTicks(ticks: SamplerTick[], macs: InterfaceMacs, firstTickLocalMs: number): CounterReading[] {
  const first = ticks[0];
  if (!first) return [];
  const last = new Map<string, { tx: number; rx: number }>();
  const offset = new Map<string, { tx: number; rx: number }>();
  return ticks.map((tick) => {
    const vms: CounterReading['vms'] = {};
    for (const { domain, interfaces } of tick.domains) {
      let txBytes = 0;
      let rxBytes = 0;
      for (const iface of interfaces) {
        const key = `${domain}\0${interfaceMac(macs, domain, iface)}`;
        const prev = last.get(key);
        const off = offset.get(key) ?? { tx: 0, rx: 0 };
        if (prev && iface.txBytes < prev.tx) off.tx += prev.tx;
        if (prev && iface.rxBytes < prev.rx) off.rx += prev.rx;
        offset.set(key, off);
        last.set(key, { tx: iface.txBytes, rx: iface.rxBytes });
        txBytes += iface.txBytes + off.tx;
        rxBytes += iface.rxBytes + off.rx;
      }
      vms[domain] = { txBytes, rxBytes };
    }
    return {
      atMs: firstTickLocalMs + (tick.remoteMs - first.remoteMs),
      nic: tick.nic ?? { txBytes: 0, rxBytes: 0 },
      vms,
    };
  });
}
