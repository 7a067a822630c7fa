// Parsers for the virsh output tsmig reads (formats of libvirt 9.0, see test/fixtures/virsh/).
// Each takes virsh's stdout and returns plain data; unreadable output throws VirshOutputError.

export class VirshOutputError extends Error {
  constructor(what: string, output: string) {
    super(`cannot read ${what} from virsh output: ${JSON.stringify(output.slice(0, 200))}`);
    this.name = 'VirshOutputError';
  }
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

function toNumber(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new VirshOutputError(what, value);
  return n;
}

// ---------------------------------------------------------------- list --all

export type DomainStateText = string;
export interface ListedDomain {
  /** null for a domain that is not running ("-"). */
  id: number | null;
  name: string;
  state: DomainStateText;
}

const domainStates = ['running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended', 'blocked', 'dying', 'no state'];
const listRow = new RegExp(`^\\s*(\\d+|-)\\s+(.+?)\\s+(${domainStates.join('|')})\\s*$`);

/** `virsh list --all`: a header, a dashed rule, then `Id Name State` rows. */
export function parseListAll(text: string): ListedDomain[] {
  const rows = lines(text);
  const rule = rows.findIndex((l) => /^-{5,}\s*$/.test(l));
  if (rule < 0 || !/\bId\b.*\bName\b.*\bState\b/.test(rows[rule - 1] ?? '')) throw new VirshOutputError('list --all', text);
  const domains: ListedDomain[] = [];
  for (const row of rows.slice(rule + 1)) {
    if (row.trim() === '') continue;
    const m = listRow.exec(row);
    if (!m) throw new VirshOutputError('list --all row', row);
    domains.push({ id: m[1] === '-' ? null : Number(m[1]), name: m[2]!, state: m[3]! });
  }
  return domains;
}

// ---------------------------------------------------------------- dominfo

export interface DomainInfo {
  name: string;
  state: DomainStateText;
  vcpus: number;
  maxMemoryKib: number;
  usedMemoryKib: number;
  persistent: boolean;
}

function keyValueLines(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of lines(text)) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

function kib(value: string | undefined, what: string): number {
  const m = /^(\d+)\s*KiB$/.exec(value ?? '');
  if (!m) throw new VirshOutputError(what, value ?? '');
  return Number(m[1]);
}

/** `virsh dominfo DOM`: `Key:   value` lines. */
export function parseDominfo(text: string): DomainInfo {
  const f = keyValueLines(text);
  const name = f.get('Name');
  const state = f.get('State');
  if (!name || !state) throw new VirshOutputError('dominfo', text);
  return {
    name,
    state,
    vcpus: toNumber(f.get('CPU(s)') ?? '', 'dominfo CPU(s)'),
    maxMemoryKib: kib(f.get('Max memory'), 'dominfo Max memory'),
    usedMemoryKib: kib(f.get('Used memory'), 'dominfo Used memory'),
    persistent: f.get('Persistent') === 'yes',
  };
}

// ---------------------------------------------------------------- domiflist

export interface DomainInterface {
  /** vnetN on this host ("-" when the domain is not running); changes across a migration. */
  name: string;
  type: string;
  source: string;
  model: string;
  /** Stable across a migration: the key for an interface. */
  mac: string;
}

const ifaceRow = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})\s*$/;

/** `virsh domiflist DOM`: `Interface Type Source Model MAC` rows under a dashed rule. */
export function parseDomiflist(text: string): DomainInterface[] {
  const rows = lines(text);
  const rule = rows.findIndex((l) => /^-{5,}\s*$/.test(l));
  if (rule < 0) throw new VirshOutputError('domiflist', text);
  const result: DomainInterface[] = [];
  for (const row of rows.slice(rule + 1)) {
    if (row.trim() === '') continue;
    const m = ifaceRow.exec(row);
    if (!m) throw new VirshOutputError('domiflist row', row);
    result.push({ name: m[1]!, type: m[2]!, source: m[3]!, model: m[4]!, mac: m[5]!.toLowerCase() });
  }
  return result;
}

// ---------------------------------------------------------------- domstats --interface --raw

/** Guest view: tx = bytes the guest sent. */
export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

export interface DomstatsInterface extends InterfaceCounters {
  index: number;
  /** vnetN, host-local. */
  name: string;
}
export interface DomainNetStats {
  domain: string;
  interfaces: DomstatsInterface[];
}

/** `virsh domstats --raw`: one `Domain: 'NAME'` header per domain, then indented `key=value` lines. */
function parseDomstatsBlocks(text: string): { domain: string; fields: Map<string, string> }[] {
  const blocks: { domain: string; fields: Map<string, string> }[] = [];
  for (const line of lines(text)) {
    const header = /^Domain: '(.*)'\s*$/.exec(line);
    if (header) {
      blocks.push({ domain: header[1]!, fields: new Map() });
      continue;
    }
    const kv = /^\s+([\w.]+)=(.*)$/.exec(line);
    const current = blocks.at(-1);
    if (kv && current) current.fields.set(kv[1]!, kv[2]!.trim());
    else if (line.trim() !== '') throw new VirshOutputError('domstats line', line);
  }
  return blocks;
}

/** `virsh domstats --interface --raw`: `Domain: 'NAME'` blocks of `  net.I.key=value` lines. */
export function parseDomstatsInterfaces(text: string): DomainNetStats[] {
  return parseDomstatsBlocks(text).map(({ domain, fields }) => {
    const count = toNumber(fields.get('net.count') ?? '0', `domstats net.count of ${domain}`);
    const interfaces: DomstatsInterface[] = [];
    for (let i = 0; i < count; i++) {
      const num = (k: string): number => toNumber(fields.get(`net.${i}.${k}`) ?? '', `domstats net.${i}.${k} of ${domain}`);
      interfaces.push({
        index: i,
        name: fields.get(`net.${i}.name`) ?? '',
        rxBytes: num('rx.bytes'),
        rxPackets: num('rx.pkts'),
        txBytes: num('tx.bytes'),
        txPackets: num('tx.pkts'),
      });
    }
    return { domain, interfaces };
  });
}

// ---------------------------------------------------------------- domstats --dirtyrate

/** virDomainDirtyRateStatus: 0 unstarted, 1 measuring, 2 measured. */
export interface DomainDirtyRate {
  domain: string;
  status: 'unstarted' | 'measuring' | 'measured';
  /** QEMU's "MB/s" are MiB (pages × page size >> 20 per second). */
  mibPerS?: number;
  periodS?: number;
  mode?: string;
}

const dirtyRateStatuses = ['unstarted', 'measuring', 'measured'] as const;

/** `virsh domstats --dirtyrate --raw`: `Domain: 'NAME'` blocks of `  dirtyrate.key=value` lines. */
export function parseDomstatsDirtyrate(text: string): DomainDirtyRate[] {
  return parseDomstatsBlocks(text).map(({ domain, fields }) => {
    const num = (k: string): number | undefined => (fields.has(k) ? toNumber(fields.get(k)!, `domstats dirtyrate.${k.split('.').pop()} of ${domain}`) : undefined);
    const status = dirtyRateStatuses[num('dirtyrate.calc_status') ?? 0] ?? 'unstarted';
    const rate: DomainDirtyRate = { domain, status };
    const mibPerS = num('dirtyrate.megabytes_per_second');
    const periodS = num('dirtyrate.calc_period');
    if (mibPerS !== undefined) rate.mibPerS = mibPerS;
    if (periodS !== undefined) rate.periodS = periodS;
    if (fields.has('dirtyrate.calc_mode')) rate.mode = fields.get('dirtyrate.calc_mode')!;
    return rate;
  });
}

// ---------------------------------------------------------------- domjobinfo

/** virDomainJobType, as `--rawstats` prints it ("Job type: 2") and as the human form names it. */
export const jobTypes = ['none', 'bounded', 'unbounded', 'completed', 'failed', 'cancelled'] as const;
export type JobType = (typeof jobTypes)[number];

/** The migration job figures tsmig uses; absent when the job does not report them (yet). */
export interface MigrationJobStats {
  jobType: JobType;
  /** 4 = incoming migration (destination's view), 5 = outgoing (source's view). */
  operation?: number;
  timeElapsedMs?: number;
  dataTotalBytes?: number;
  dataProcessedBytes?: number;
  dataRemainingBytes?: number;
  memoryTotalBytes?: number;
  memoryProcessedBytes?: number;
  memoryRemainingBytes?: number;
  memoryBytesPerS?: number;
  memoryIteration?: number;
  postcopyRequests?: number;
  /** Completed job: the real downtime; running job: the expected one. */
  downtimeMs?: number;
}

const rawStatKeys: Record<string, keyof MigrationJobStats> = {
  operation: 'operation',
  time_elapsed: 'timeElapsedMs',
  data_total: 'dataTotalBytes',
  data_processed: 'dataProcessedBytes',
  data_remaining: 'dataRemainingBytes',
  memory_total: 'memoryTotalBytes',
  memory_processed: 'memoryProcessedBytes',
  memory_remaining: 'memoryRemainingBytes',
  memory_bps: 'memoryBytesPerS',
  memory_iteration: 'memoryIteration',
  memory_postcopy_requests: 'postcopyRequests',
  downtime: 'downtimeMs',
};

function statsFromRawFields(jobType: JobType, fields: Map<string, string>): MigrationJobStats {
  const stats: MigrationJobStats = { jobType };
  for (const [rawKey, key] of Object.entries(rawStatKeys)) {
    const value = fields.get(rawKey);
    if (value !== undefined) (stats as unknown as Record<string, number>)[key] = toNumber(value, `domjobinfo ${rawKey}`);
  }
  return stats;
}

/** `virsh domjobinfo DOM --rawstats [--completed]`: `Job type: N`, then `key: value` lines. */
export function parseDomjobinfoRaw(text: string): MigrationJobStats {
  const m = /^Job type: (\d+)\s*$/m.exec(text);
  const jobType = m ? jobTypes[Number(m[1])] : undefined;
  if (!jobType) throw new VirshOutputError('domjobinfo --rawstats', text);
  const fields = new Map<string, string>();
  for (const line of lines(text)) {
    const kv = /^(\w+): (\S+)\s*$/.exec(line);
    if (kv) fields.set(kv[1]!, kv[2]!);
  }
  return statsFromRawFields(jobType, fields);
}

// ---------------------------------------------------------------- event --event job-completed

export interface JobCompletedEvent {
  /** As printed by --timestamp, e.g. "2026-11-25 05:38:41.467+0000". */
  timestamp: string;
  atMs: number;
  domain: string;
  stats: MigrationJobStats;
}

const eventHeader = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)([+-]\d{4}): event 'job-completed' for domain '(.*)':\s*$/;

function timestampMs(date: string, offset: string): number {
  const iso = `${date.replace(' ', 'T')}${offset.slice(0, 3)}:${offset.slice(3)}`;
  return Date.parse(iso);
}

/**
 * `virsh event [--event job-completed | --all] --loop --timestamp`: a header line per
 * job-completed event, then the job's raw stats indented by a tab; other events' lines are
 * skipped. Only complete events (header + stats) are returned.
 */
export function parseJobCompletedEvents(text: string): JobCompletedEvent[] {
  const events: JobCompletedEvent[] = [];
  let current: { header: RegExpExecArray; fields: Map<string, string> } | undefined;
  const flush = (): void => {
    if (!current || current.fields.size === 0) return;
    const [, date, offset, domain] = current.header;
    events.push({
      timestamp: `${date}${offset}`,
      atMs: timestampMs(date!, offset!),
      domain: domain!,
      stats: statsFromRawFields('completed', current.fields),
    });
  };
  for (const line of lines(text)) {
    const header = eventHeader.exec(line);
    if (header) {
      flush();
      current = { header, fields: new Map() };
      continue;
    }
    const kv = /^\t(\w+): (\S+)\s*$/.exec(line);
    if (kv && current) current.fields.set(kv[1]!, kv[2]!);
  }
  flush();
  return events;
}

/** One line of `virsh event --timestamp`: "TS: event 'lifecycle' for domain 'gsend': Suspended Post-copy". */
export interface DomainEventLine {
  timestamp: string;
  atMs: number;
  type: string;
  domain: string;
  /** What follows the domain, e.g. "Suspended Post-copy", "iteration: '2'"; empty for job-completed. */
  detail: string;
}

const anyEventLine = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)([+-]\d{4}): event '([\w-]+)' for domain '(.*)':(?: (.*))?$/;

export function parseDomainEventLines(text: string): DomainEventLine[] {
  const events: DomainEventLine[] = [];
  for (const line of lines(text)) {
    const m = anyEventLine.exec(line);
    if (!m) continue;
    const [, date, offset, type, domain, detail] = m;
    events.push({ timestamp: `${date}${offset}`, atMs: timestampMs(date!, offset!), type: type!, domain: domain!, detail: (detail ?? '').trim() });
  }
  return events;
}

/** The source's lifecycle event at a post-copy switch (the destination says "Resumed Post-copy"). */
export function postcopySwitchEvent(text: string, domain: string): DomainEventLine | undefined {
  return parseDomainEventLines(text).find((e) => e.type === 'lifecycle' && e.domain === domain && e.detail === 'Suspended Post-copy');
}

// ---------------------------------------------------------------- migrate --verbose

/** `virsh migrate --verbose` progress on stderr: "\rMigration: [ 31 %]" repeated. */
export function parseMigrateProgressPercents(text: string): number[] {
  return [...text.matchAll(/Migration: \[\s*(\d+) %\]/g)].map((m) => Number(m[1]));
}

/**
 * Whether virsh failed because the domain is not (any more) on that host. virsh says "failed to
 * get domain 'NAME'" when the name lookup fails; libvirt says "Domain not found: no domain with
 * matching uuid …" when the domain leaves after the lookup, between it and the call (seen on the
 * lab with libvirt 11 while a migration ended).
 */
export function isDomainGoneError(stderr: string): boolean {
  return /failed to get domain|Domain not found/.test(stderr);
}

/** The `error: …` lines virsh printed (its failure reasons), joined. */
export function virshErrorLines(text: string): string {
  // `migrate --verbose` ends its progress without a newline: "Migration: [  8 %]error: …".
  return text
    .replace(/%\]error:/g, '%]\nerror:')
    .split(/\r\n|\r|\n/)
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.slice('error:'.length).trim())
    .join('; ');
}
