// The fake lab's `virsh` (and `tail` for QEMU logs), answered inside the test process: a function
// of one host's name, the argv the driver's shell ran and the hosts' shared state. It prints the
// formats of libvirt 9.0 (as in test/fixtures/virsh). The call arrives over real SSH and a real sh
// (ssh-fake-exec-relay.ts): only the stand-in process that used to be started per call is gone.
//
// Per host: domains, running jobs, dirty-rate measurements, the event log (job-completed and
// lifecycle events), QEMU logs, and flags:
//   down                  libvirtd "stopped": every call fails
//   crash-on-arrival      an incoming VM dies as its migration completes
//   finish-before-resume  a paused post-copy to this host completes by itself just as
//                         `migrate --postcopy-resume` is called
//   stall                 a post-copy to this host stops moving after its switch (a link dropping
//                         packets) until `domjobabort --postcopy` pauses it
//   unanswered            virsh migrate to this host blocks before any job exists (a link cut
//                         while virsh connects to it) until it is killed
// Migration: migrateMs long, counters restart on the new host, transient domains vanish from the
// source; post-copy switches when migrate-postcopy is called. Records are copied in and out, as
// the separate processes this replaces read and wrote whole files: a long call keeps the copy it
// read at its start.
import { setTimeout as sleepMs } from 'node:timers/promises';

export interface FakeDomain {
  name: string;
  state: string;
  memoryKib: number;
  vcpus: number;
  mac: string;
  vnet: string;
  txBps: number;
  rxBps: number;
  bootMs: number;
  persistent: boolean;
  maxDowntimeMs?: number;
  migrateArgs?: string[];
  /** migrate-setspeed values during its last incoming migration. */
  speeds?: number[];
  /** "post-copy failed": paused on the source, running but incomplete on the destination. */
  postcopyFailed?: boolean;
  /** What `domdirtyrate-calc` measures (default 0). */
  dirtyMibPerS?: number;
  /** On the destination while a post-copy migration comes in. */
  incoming?: boolean;
  /** `domjobinfo --completed` text kept by libvirt after the last job. */
  completed?: string;
}

interface FakeJob {
  startedMs: number;
  postcopy: boolean;
  args: string[];
  switched: boolean;
  aborted?: boolean;
  pausePostcopy?: boolean;
  speeds?: number[];
  maxDowntimeMs?: number;
}

/**
 * 'leaving': every domain leaves right after `virsh list` shows it, and `dominfo` answers as
 * libvirt 11 did on the lab when a migration ended between the two calls.
 */
export type HostFlag = 'down' | 'crash-on-arrival' | 'finish-before-resume' | 'stall' | 'unanswered' | 'leaving';

interface FakeHostState {
  domains: Map<string, string>;
  jobs: Map<string, string>;
  dirtyCalcs: Map<string, { startMs: number; seconds: number }>;
  events: string;
  qemuLogs: Map<string, string>;
  flags: Set<HostFlag>;
}

/** What a call writes and whether its caller is gone (the stand-in was killed: stop, print nothing). */
export interface FakeCallIo {
  stdout(text: string): void;
  stderr(text: string): void;
  signal: AbortSignal;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class FakeVirshHosts {
  private hosts = new Map<string, FakeHostState>();

  /** How long a `virsh migrate` takes. */
  constructor(public migrateMs: number) {}

  /** Only these hosts exist (a migration elsewhere finds no route), each with these domains. */
  reset(domainsByHost: Record<string, FakeDomain[]>): void {
    this.hosts.clear();
    for (const [host, domains] of Object.entries(domainsByHost)) {
      const state: FakeHostState = { domains: new Map(), jobs: new Map(), dirtyCalcs: new Map(), events: '', qemuLogs: new Map(), flags: new Set() };
      for (const d of domains) state.domains.set(d.name, JSON.stringify(d));
      this.hosts.set(host, state);
    }
  }

  setFlag(host: string, flag: HostFlag, on = true): void {
    const flags = this.host(host).flags;
    if (on) flags.add(flag);
    else flags.delete(flag);
  }

  readDomain(host: string, name: string): FakeDomain | undefined {
    const text = this.hosts.get(host)?.domains.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as FakeDomain);
  }

  /** Runs `program argv…` as `host` would; resolves to its exit status. */
  async run(host: string, program: string, argv: string[], io: FakeCallIo): Promise<number> {
    try {
      if (program === 'tail') this.tail(host, argv, io);
      else if (program === 'virsh') await this.virsh(host, argv, io);
      else {
        io.stderr(`${program}: not faked\n`);
        return 127;
      }
      return 0;
    } catch (error) {
      if (error instanceof Exit) return error.code;
      if (io.signal.aborted) return 143;
      throw error;
    }
  }

  private host(host: string): FakeHostState {
    const state = this.hosts.get(host);
    if (!state) throw new Error(`fake lab: no host ${host}`);
    return state;
  }

  /** `tail -n N -- /var/log/libvirt/qemu/NAME.log` reads the fake host's QEMU log. */
  private tail(host: string, argv: string[], io: FakeCallIo): void {
    const path = argv.at(-1) ?? '';
    if (argv[0] !== '-n' || !path.startsWith('/var/log/libvirt/qemu/')) throw new Exit(64);
    const text = this.host(host).qemuLogs.get(path.slice('/var/log/libvirt/qemu/'.length));
    if (text === undefined) {
      io.stderr(`tail: cannot open '${path}' for reading: No such file or directory\n`);
      throw new Exit(1);
    }
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    io.stdout(`${lines.slice(-Number(argv[1])).join('\n')}\n`);
  }

  private async virsh(host: string, argv: string[], io: FakeCallIo): Promise<void> {
    const { migrateMs } = this;
    const here = this.host(host);
    const args = [...argv];
    if (args[0] === '-c') args.splice(0, 2);
    const [command, ...rest] = args;
    const die = (message: string): never => {
      io.stderr(`error: ${message}\n`);
      throw new Exit(1);
    };
    const sleep = (ms: number): Promise<void> => sleepMs(ms, undefined, { signal: io.signal });
    const getDomain = (h: string, d: string): FakeDomain | undefined => this.readDomain(h, d);
    const putDomain = (h: string, d: FakeDomain): void => void this.host(h).domains.set(d.name, JSON.stringify(d));
    const getJob = (d: string): FakeJob | undefined => {
      const text = here.jobs.get(d);
      return text === undefined ? undefined : (JSON.parse(text) as FakeJob);
    };
    const putJob = (d: string, job: FakeJob): void => void here.jobs.set(d, JSON.stringify(job));
    const domains = (h: string): FakeDomain[] => [...(this.hosts.get(h)?.domains.keys() ?? [])].sort().map((d) => getDomain(h, d)!);
    const domain = (d: string | undefined): FakeDomain => getDomain(host, d ?? '') ?? die(`failed to get domain '${d}'`);
    const counters = (d: FakeDomain): { tx: number; rx: number } => {
      const s = (Date.now() - d.bootMs) / 1000;
      return { tx: Math.round(d.txBps * s), rx: Math.round(d.rxBps * s) };
    };
    const stamp = (): string => `${new Date().toISOString().replace('T', ' ').replace('Z', '')}+0000`;
    const positional = rest.filter((a) => !a.startsWith('--'));

    if (here.flags.has('down')) die('failed to connect to the hypervisor');

    switch (command) {
      case 'list': {
        if (rest.includes('--name')) {
          for (const d of domains(host)) if (d.state === 'running') io.stdout(`${d.name}\n`);
          io.stdout('\n');
          break;
        }
        let out = ' Id   Name    State\n-----------------------\n';
        domains(host).forEach((d, i) => (out += ` ${d.state === 'shut off' ? '-' : i + 1}    ${d.name}   ${d.state}\n`));
        io.stdout(`${out}\n`);
        break;
      }
      case 'dominfo': {
        const d = domain(positional[0]);
        if (here.flags.has('leaving')) die(`Domain not found: no domain with matching uuid 'e610620b-02b8-479b-8c6f-9adfb3035e22' (${d.name})`);
        io.stdout(
          `Id:             1\nName:           ${d.name}\nUUID:           e610620b-02b8-479b-8c6f-9adfb3035e22\nOS Type:        hvm\n` +
            `State:          ${d.state}\nCPU(s):         ${d.vcpus}\nCPU time:       11.0s\nMax memory:     ${d.memoryKib} KiB\n` +
            `Used memory:    ${d.memoryKib} KiB\nPersistent:     ${d.persistent ? 'yes' : 'no'}\nAutostart:      disable\n\n`,
        );
        break;
      }
      case 'domstate': {
        const d = domain(positional[0]);
        const job = getJob(positional[0]!);
        const reason = d.postcopyFailed ? 'post-copy failed' : d.state === 'paused' && job?.switched ? 'post-copy' : d.state === 'paused' ? 'migration' : 'booted';
        io.stdout(`${d.state} (${reason})\n\n`);
        break;
      }
      case 'domiflist': {
        const d = domain(positional[0]);
        io.stdout(` Interface   Type     Source   Model    MAC\n-----------------------------------------------------------\n` + ` ${d.vnet}       bridge   br0      virtio   ${d.mac}\n\n`);
        break;
      }
      case 'domdirtyrate-calc': {
        const d = domain(positional[0]);
        const seconds = Number(rest[rest.indexOf('--seconds') + 1] ?? '1');
        here.dirtyCalcs.set(d.name, { startMs: Date.now(), seconds });
        break;
      }
      case 'domstats': {
        let out = '';
        if (rest.includes('--dirtyrate')) {
          // libvirt's format; a domain's `dirtyMibPerS` (default 0) is what QEMU would measure.
          for (const d of domains(host).filter((x) => x.state === 'running')) {
            const calc = here.dirtyCalcs.get(d.name);
            const status = !calc ? 0 : Date.now() >= calc.startMs + calc.seconds * 1000 ? 2 : 1;
            out += `Domain: '${d.name}'\n  dirtyrate.calc_status=${status}\n`;
            if (calc) out += `  dirtyrate.calc_start_time=${Math.floor(calc.startMs / 1000)}\n  dirtyrate.calc_period=${calc.seconds}\n`;
            if (status === 2) out += `  dirtyrate.megabytes_per_second=${Math.round(d.dirtyMibPerS ?? 0)}\n  dirtyrate.calc_mode=page-sampling\n`;
            out += '\n';
          }
          io.stdout(out);
          break;
        }
        for (const d of domains(host).filter((x) => x.state === 'running')) {
          const c = counters(d);
          out +=
            `Domain: '${d.name}'\n  net.count=1\n  net.0.name=${d.vnet}\n  net.0.rx.bytes=${c.rx}\n  net.0.rx.pkts=10\n  net.0.rx.errs=0\n` +
            `  net.0.rx.drop=0\n  net.0.tx.bytes=${c.tx}\n  net.0.tx.pkts=10\n  net.0.tx.errs=0\n  net.0.tx.drop=0\n\n`;
        }
        io.stdout(out);
        break;
      }
      case 'domjobinfo': {
        const name = positional[0]!;
        const d = domain(name);
        if (rest.includes('--completed')) {
          if (!d.completed) {
            io.stdout('Job type: 0\n\n\n');
            break;
          }
          io.stdout(`Job type: 3\n\n${d.completed}`);
          if (!rest.includes('--keep-completed')) putDomain(host, { ...d, completed: undefined });
          break;
        }
        const job = getJob(name);
        if (!job) {
          if (d.incoming) die('Operation not supported: migration statistics are available only on the source host');
          io.stdout('Job type: 0\n\n\n');
          break;
        }
        const total = d.memoryKib * 1024;
        const elapsed = Date.now() - job.startedMs;
        const processed = Math.min(total, Math.round((total * elapsed) / migrateMs));
        io.stdout(
          `Job type: 2\n\noperation: 5\ntime_elapsed: ${elapsed}\ndowntime: 300\nsetup_time: 1\ndata_total: ${total}\n` +
            `data_processed: ${processed}\ndata_remaining: ${total - processed}\nmemory_total: ${total}\nmemory_processed: ${processed}\n` +
            `memory_remaining: ${total - processed}\nmemory_bps: 8413380\nmemory_dirty_rate: 0\nmemory_iteration: ${elapsed < migrateMs / 3 ? 1 : 2}\n` +
            `memory_postcopy_requests: 0\nmemory_page_size: 4096\ndisk_total: 0\ndisk_processed: 0\ndisk_remaining: 0\n\n`,
        );
        break;
      }
      case 'migrate': {
        // Options with values come first; the domain and the destination URI are the last two words.
        const name = rest.at(-2)!;
        const to = /^qemu\+ssh:\/\/([^/]+)\//.exec(rest.at(-1) ?? '')?.[1];
        const d = domain(name);
        const there = to === undefined ? undefined : this.hosts.get(to);
        if (!to || !there) return die(`unable to connect to server at '${to}:22': No route to host`);
        if (there.flags.has('unanswered')) for (;;) await sleep(1000);
        const postcopy = rest.includes('--postcopy');
        const resume = rest.includes('--postcopy-resume');
        if (resume && there.flags.has('finish-before-resume')) {
          // The paused stream finished by itself just before this call (seen on the lab): the source
          // domain is gone by the time virsh looks it up.
          putDomain(to, { ...getDomain(to, name)!, state: 'running', postcopyFailed: false, incoming: false });
          here.domains.delete(name);
          here.jobs.delete(name);
          die(`failed to get domain '${name}'`);
        }
        if (resume && !d.postcopyFailed) die(`Requested operation is not valid: resuming failed post-copy migration requires post-copy migration to be running`);
        if (resume && there.flags.has('stall')) die('Requested operation is not valid: QEMU reports migration is still running');
        const startedMs = Date.now();
        putJob(name, { startedMs, postcopy, args: rest, switched: resume, ...(d.maxDowntimeMs !== undefined ? { maxDowntimeMs: d.maxDowntimeMs } : {}) });
        if (!resume) there.events += `${stamp()}: event 'lifecycle' for domain '${name}': Started Migrated\n`;
        if (resume) putDomain(to, { ...getDomain(to, name)!, postcopyFailed: false });
        let switched = resume;
        let switchedAt = resume ? startedMs : 0;
        const finishAt = startedMs + migrateMs;
        // Pre-copy held at 1 MiB/s (tsmig's wait for a post-copy switch) cannot finish: like the
        // real thing, the migration then ends only after the switch (or after 20 s). grecv dirties
        // memory (as on the lab), so its post-copy-enabled migration never converges in pre-copy:
        // it too waits for the switch, however slowly a loaded machine lets tsmig ask for it.
        const held = (job: FakeJob): boolean =>
          !switched &&
          ((postcopy && (name === 'grecv' || rest[rest.indexOf('--bandwidth') + 1] === '1')) || job.speeds?.at(-1) === 1) &&
          Date.now() < startedMs + 20_000;
        for (;;) {
          await sleep(50);
          const job = getJob(name)!;
          // After a switch the post-copy phase lasts a little (the lifecycle event comes well before the end).
          const stalled = switched && there.flags.has('stall');
          if (Date.now() >= Math.max(finishAt, switchedAt + 800) && !held(job) && !stalled) break;
          if (job.pausePostcopy) {
            here.jobs.delete(name);
            putDomain(host, { ...d, state: 'paused', postcopyFailed: true });
            putDomain(to, { ...d, state: 'running', incoming: true, postcopyFailed: true });
            die(`operation failed: job 'migration out' failed in post-copy phase`);
          }
          if (job.aborted && !job.switched) {
            here.jobs.delete(name);
            die('operation aborted: migration out job: canceled by client');
          }
          if (there.flags.has('down')) {
            here.jobs.delete(name);
            if (job.switched) {
              putDomain(host, { ...d, state: 'paused' });
              putDomain(to, { ...d, state: 'paused', incoming: true });
            }
            die('Unable to read from monitor: Connection reset by peer');
          }
          if (job.switched && !switched) {
            switched = true;
            switchedAt = Date.now();
            here.events += `${stamp()}: event 'lifecycle' for domain '${name}': Suspended Post-copy\n`;
            putDomain(host, { ...d, state: 'paused' });
            putDomain(to, { ...d, state: 'paused', incoming: true });
          }
        }
        const job = getJob(name)!;
        const total = d.memoryKib * 1024;
        const stats = (operation: number): string =>
          `operation: ${operation}\ntime_elapsed: ${migrateMs}\ntime_elapsed_net: ${migrateMs}\ndowntime: ${switched ? 6 : 172}\n` +
          `downtime_net: 5\nsetup_time: 1\ndata_total: ${total}\ndata_processed: ${Math.round(total / 2)}\ndata_remaining: 0\n` +
          `memory_total: ${total}\nmemory_processed: ${Math.round(total / 2)}\nmemory_remaining: 0\nmemory_bps: 342769633\n` +
          `memory_iteration: ${switched ? 2 : 3}\nmemory_postcopy_requests: ${switched ? 7 : 0}\nmemory_page_size: 4096\n`;
        const arrived: FakeDomain = { ...d, state: 'running', postcopyFailed: false, vnet: `vnet${Math.floor(Math.random() * 9)}`, bootMs: Date.now(), incoming: false };
        arrived.completed = switched ? undefined : stats(4);
        arrived.maxDowntimeMs = job.maxDowntimeMs;
        arrived.migrateArgs = job.args;
        arrived.speeds = job.speeds;
        // The guest dies as it arrives (as a corrupted guest does): the destination has no domain,
        // and its QEMU log (read by the fake `tail`) says how it ended, as libvirt 9.0 writes it.
        if (there.flags.has('crash-on-arrival')) {
          const at = new Date().toISOString().replace('T', ' ').replace('Z', '+0000');
          there.qemuLogs.set(
            `${name}.log`,
            (there.qemuLogs.get(`${name}.log`) ?? '') +
              `${at}: starting up libvirt version: 9.0.0, qemu version: 7.2.22, hostname: ${to}\nLC_ALL=C \\\n/usr/bin/qemu-system-x86_64 \\\n` +
              `-name guest=${name},debug-threads=on \\\n-incoming defer\n${at}: Domain id=1 is tainted: high-privileges\n` +
              `char device redirected to /dev/pts/2 (label charserial0)\n${at}: shutting down, reason=shutdown\n`,
          );
        } else {
          putDomain(to, copy(arrived));
          // As libvirt 11 printed them on the lab (test/lab/README.md): the destination resumes the
          // VM, then the source stops its copy and reports the job completed.
          if (!switched) there.events += `${stamp()}: event 'lifecycle' for domain '${name}': Resumed Migrated\n`;
        }
        here.jobs.delete(name);
        if (d.persistent) putDomain(host, { ...d, state: 'shut off', postcopyFailed: false, completed: stats(5) });
        else here.domains.delete(name);
        const indented = stats(5)
          .split('\n')
          .filter(Boolean)
          .map((l) => `\t${l}\n`)
          .join('');
        here.events += `${stamp()}: event 'lifecycle' for domain '${name}': Stopped Migrated\n`;
        here.events += `${stamp()}: event 'job-completed' for domain '${name}':\n${indented}`;
        io.stderr('\rMigration: [ 31 %]\rMigration: [100 %]\n');
        break;
      }
      case 'migrate-postcopy':
      case 'migrate-setspeed':
      case 'domjobabort':
      case 'migrate-setmaxdowntime': {
        const name = positional[0]!;
        const d = domain(name);
        if (command === 'migrate-setmaxdowntime' && !getJob(name)) {
          // Outside a job, as libvirt 11 does: the next migration job takes it.
          putDomain(host, { ...d, maxDowntimeMs: Number(positional[1]) });
          break;
        }
        const job = getJob(name) ?? die('Requested operation is not valid: no job is active on the domain');
        if (command === 'migrate-postcopy') {
          if (!job.postcopy) die('Requested operation is not valid: switching to post-copy requires migration to be started with VIR_MIGRATE_POSTCOPY flag');
          job.switched = true;
        } else if (command === 'domjobabort' && rest.includes('--postcopy')) {
          if (!job.switched) die('Requested operation is not valid: current job is not outgoing migration in post-copy mode');
          job.pausePostcopy = true;
        } else if (command === 'domjobabort') {
          job.aborted = true;
        } else if (command === 'migrate-setspeed') {
          job.speeds = [...(job.speeds ?? []), Number(positional[1])];
        } else {
          job.maxDowntimeMs = Number(positional[1]);
        }
        putJob(name, job);
        break;
      }
      case 'event': {
        // Runs until killed, printing this domain's events (or every domain's) as they are logged.
        const name = rest.includes('--domain') ? rest[rest.indexOf('--domain') + 1] : undefined;
        let seen = here.events.length;
        for (;;) {
          await sleep(50);
          const fresh = here.events.slice(seen);
          seen = here.events.length;
          for (const block of fresh.split(/(?=^\d{4}-)/m)) if (name === undefined ? block !== '' : block.includes(`for domain '${name}'`)) io.stdout(block);
        }
      }
      default:
        die(`unknown command '${command}'`);
    }
  }
}
